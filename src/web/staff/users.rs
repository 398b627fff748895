//! Staff users (admins only): create with an initial password, change role, deactivate.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{StaffSession, back_to};
use crate::core::error::AppError;
use crate::db::staff as db_staff;
use crate::state::Ctx;
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
        users: db_staff::list(&ctx.db).await?,
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
    let password = form.opt("password").map(str::to_owned);
    match crate::staff::create_staff(&ctx, &email, &role, password).await {
        Ok(password) => {
            if let Some(user) = db_staff::find_by_email(&ctx.db, &email).await? {
                let mut tx = ctx.db.begin().await?;
                db_staff::set_name(&mut tx, user.id, &name).await?;
                crate::db::audit::audit(
                    &mut tx,
                    &session.actor().label(),
                    "staff.create",
                    &format!("staff:{}", user.id),
                    None,
                    Some(&serde_json::json!({"email": email, "role": role})),
                    ctx.clock.now(),
                )
                .await?;
                tx.commit().await?;
            }
            let mut p = page(&ctx, &session).await?;
            p.created = Some((email, password));
            Ok(render_with(StatusCode::CREATED, &p))
        }
        Err(err) => {
            let mut p = page(&ctx, &session).await?;
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
    let user = db_staff::get(&ctx.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = form.get("role");
    let role = Role::parse(role)
        .map(|_| role.to_owned())
        .ok_or_else(|| AppError::field("role", "must be admin, staff or checkin"))?;
    let active = form.get("active") == "yes";
    let loses_admin = user.role == "admin" && user.active && (role != "admin" || !active);
    if loses_admin && db_staff::other_active_admins(&ctx.db, id).await? == 0 {
        let mut p = page(&ctx, &session).await?;
        p.problem = Some("At least one active admin must remain.".to_owned());
        return Ok(render_with(StatusCode::CONFLICT, &p));
    }
    let mut tx = ctx.db.begin().await?;
    db_staff::update(&mut tx, id, &role, active).await?;
    crate::db::audit::audit(
        &mut tx,
        &session.actor().label(),
        "staff.update",
        &format!("staff:{id}"),
        Some(&serde_json::json!({"role": user.role, "active": user.active})),
        Some(&serde_json::json!({"role": role, "active": active})),
        ctx.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(back_to("/staff/users"))
}
