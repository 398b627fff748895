//! Staff users (admins only): create with an initial password, change role, deactivate.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{StaffSession, back_to};
use crate::context::Ctx;
use crate::core::error::AppError;
use crate::db::staff as db_staff;
use crate::staff_accounts::{NewStaff, UpdateRefused, create_staff, update_staff};
use crate::web::extract::Role;
use crate::web::pages::forms::FormData;
use crate::web::pages::{Layout, PageResult, render, render_with};

#[derive(Template)]
#[template(path = "staff/users.html")]
struct UsersPage {
    l: Layout,
    csrf: String,
    me: i64,
    users: Vec<db_staff::StaffListRow>,
    problem: Option<String>,
    created: Option<(String, String)>,
    email: String,
    name: String,
    role: String,
}

async fn page(ctx: &Ctx, session: &StaffSession) -> PageResult<UsersPage> {
    Ok(UsersPage {
        l: session.layout(ctx, "Staff users"),
        csrf: session.csrf.clone(),
        me: session.user_id,
        users: crate::staff_accounts::list(ctx).await?,
        problem: None,
        created: None,
        email: String::new(),
        name: String::new(),
        role: "staff".to_owned(),
    })
}

/// `GET /staff/users`.
pub async fn list_users(State(ctx): State<Ctx>, session: StaffSession) -> PageResult {
    session.require(Role::Admin)?;
    Ok(render(&page(&ctx, &session).await?))
}

/// `POST /staff/users`: creates a user. Without a password one is generated and shown once,
/// for the admin to hand over.
pub async fn create_user(
    State(ctx): State<Ctx>,
    session: StaffSession,
    form: FormData,
) -> PageResult {
    session.require(Role::Admin)?;
    session.verify(&form)?;
    let email = form.get("email").trim().to_lowercase();
    let name = form.get("name").trim().to_owned();
    let role = form.get("role").to_owned();
    let created = match Role::parse(&role) {
        Ok(parsed) => {
            let new = NewStaff {
                email: email.clone(),
                name: name.clone(),
                role: parsed,
                password: form.opt("password").map(str::to_owned),
            };
            create_staff(&ctx, new, Some(&session.actor())).await
        }
        Err(err) => Err(anyhow::anyhow!("role {err}")),
    };
    let mut p = page(&ctx, &session).await?;
    match created {
        Ok(password) => {
            p.created = Some((email, password));
            Ok(render_with(StatusCode::CREATED, &p))
        }
        Err(err) => {
            p.problem = Some(format!("Not created: {err}."));
            p.email = email;
            p.name = name;
            p.role = role;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
    }
}

/// `POST /staff/users/{id}`: changes role and active flag. An admin cannot lock out the last
/// active admin.
pub async fn update_user(
    State(ctx): State<Ctx>,
    session: StaffSession,
    Path(id): Path<i64>,
    form: FormData,
) -> PageResult {
    session.require(Role::Admin)?;
    session.verify(&form)?;
    let role = Role::parse(form.get("role")).map_err(|e| AppError::field("role", e.to_string()))?;
    match update_staff(&ctx, &session.actor(), id, role, form.checked("active")).await? {
        Ok(()) => Ok(back_to("/staff/users")),
        Err(UpdateRefused::NotFound) => Err(AppError::NotFound.into()),
        Err(UpdateRefused::LastAdmin) => {
            let mut p = page(&ctx, &session).await?;
            p.problem = Some("At least one active admin must remain.".to_owned());
            Ok(render_with(StatusCode::CONFLICT, &p))
        }
    }
}
