# Registration form
register-page-title = Register: { $title }
register-heading = Register
join-waitlist-heading = Join the waitlist
errors-summary = { $count ->
    [one] Please correct this
   *[other] Please correct these { $count }
}
register-contact = You (the contact)
register-contact-hint = We send the confirmation and any updates to this address.
register-contact-name = Your full name
register-email = Email
register-phone = Phone
register-phone-hint = (optional, for the organisers on the day)
register-language = Language for emails
register-participant = Participant { $n }
register-participant-name = Full name
register-ticket = Ticket
register-ticket-full = full: waitlist
register-notes = Dietary or accessibility needs
optional = (optional)
choose = Choose…
register-remove = Remove participant { $n }
register-add = Add another participant
register-payment = Payment
register-pay-later = Pay later by bank transfer or in cash: we hold your seats and tell you how to pay in the confirmation email. Your registration is confirmed once the payment is recorded.
register-pay-later-confirm = At first we hold your seats for { $minutes } minutes: the email we send you has a link that confirms your address and keeps them until the payment is due.
limits-participants = { $count ->
    [one] One person per registration.
   *[other] Up to { $count } people per registration.
}
limits-per-email = { $count ->
    [one] One registration per email address.
   *[other] Up to { $count } registrations per email address.
}
register-consent = Consent
register-submit-apply = Send application

# Names of fields in the error summary
field-contact-name = Your name
field-contact-email = Your email
field-contact-phone = Your phone
field-contact-language = Language
field-consent = Consent
field-participants = Participants
field-payment = Payment
field-participant-name = Participant { $n } name
field-participant-offering = Participant { $n } ticket
field-participant-notes = Participant { $n } notes
field-participant-question = Participant { $n } – { $question }

# Registration window
window-opens = Registration opens on { $when }.
window-closed = Registration is closed.

# The private registration page
registration-page-title = Your registration: { $title }
registration-heading = Your registration
seats-held-until = Seats held until { $when }.
confirm-email-title = Confirm your email address
confirm-email-explain = Confirming that this address is yours keeps your seats for as long as the event holds them while you pay.
confirm-email-button = Confirm my email address
confirm-email-pending = We sent a link to { $email }. Confirm your address with it to keep your seats for longer; until then they are held only for a short time.
claim-before = Claim before { $when }.
see-offer = See the offer
keep-private = Keep this page's address private: anyone with it can see and cancel this registration. We also sent it to { $email }.
fact-contact = Contact
add-to-calendar = Add to calendar (.ics)
participants = Participants
notes = Notes: { $notes }
checkin-code = Check-in code:
checkin-qr-label = Check-in QR code for { $name }
checkin-hint = Show the QR code at the entrance (on your phone or printed) to check in quickly.
payment = Payment
amount-total = Total
amount-paid = Paid
amount-due = Still due
payments-received = Payments and refunds
payment-date = Date
payment-method = Method
payment-amount = Amount
payment-method-cash = Cash
payment-method-transfer = Bank transfer
payment-method-card = Card
payment-method-other = Other
payment-refund = Refund ({ $method })
cannot-come = Cannot come?
cancel-registration = Cancel this registration

# Registration states: a label and a sentence
status-confirmed = Confirmed
status-confirmed-text = You are registered. We look forward to seeing you.
status-attended = Checked in
status-attended-text = You were checked in. Enjoy the event!
status-pending_payment = Awaiting payment
status-pending_payment-text = Your seats are held for you until the time below. Once we receive your payment, your registration is confirmed.
status-awaiting_approval = Awaiting review
status-awaiting_approval-text = The organisers review every application. We will email you as soon as they decide.
status-waitlisted = On the waitlist
status-waitlisted-text = The event is full. If a seat frees up we will email you an offer, first come first served.
status-offered = Seat offered
status-offered-text = A seat has become free for you. Claim it before the deadline below.
status-cancelled = Cancelled
status-cancelled-text = This registration is cancelled.
status-expired = Expired
status-expired-text = The time to pay or claim the seats ran out, so they were released.
status-rejected = Not accepted
status-rejected-text = The organisers could not accept this application.

# Cancelling
cancel-page-title = Cancel your registration
cancel-heading = Cancel your registration?
cancel-explain = This cancels the registration for everyone in it and releases the seats to the next person on the waitlist. It cannot be undone.
cancel-refund-full = You have paid { $amount }. Cancelling now, it is refunded in full.
cancel-refund-part = You have paid { $amount }. Cancelling now, { $refund } of it is refunded: full refunds ended on { $until }.
cancel-refund-none = You have paid { $amount }. Cancelling now refunds nothing: full refunds ended on { $until }.
cancel-refund-how = The organisers send the refund and email you about it.
cancel-nothing-paid = Nothing has been paid, so no refund is due.
cancel-confirm = Yes, cancel my registration
cancel-keep = No, keep it

# Waitlist offers
offer-page-title = A seat for you: { $title }
offer-heading = A seat is free for you
offer-lead = Claim it before { $when }; after that it goes to the next person on the waitlist.
offer-total = Total: { $amount }
offer-pay-later = (pay later by bank transfer or in cash)
offer-pay-card = (paid by card once you have claimed it)
offer-claim = { $count ->
    [one] Claim my seat
   *[other] Claim my seats
}
offer-closed-heading = This offer is no longer open
offer-closed = It was claimed, or its time ran out.
see-registration = See your registration

# Partner cities
partner-city = Partner city
partnership = Sister city
partnership-since = { $years ->
    [0] Sister city since { $year }
    [one] Sister city since { $year } (1 year)
   *[other] Sister city since { $year } ({ $years } years)
}
languages-spoken = Languages spoken: { $languages }
partner-nothing-planned = Nothing is planned with { $partner } right now.
see-all-events = See all events

# Error pages
error-heading-404 = Page not found
error-heading-403 = Not allowed
error-heading-409 = This cannot be done now
error-heading-500 = Something went wrong
error-heading-other = There is a problem
error-message-404 = We could not find this page. The link may be mistyped, or the page may have moved.
error-message-403 = Your role does not allow you to open this page.
error-message-405 = This address cannot be used that way.
error-message-408 = This took too long. Please try again.
error-message-413 = What you sent is too large.
error-message-429 = Too many attempts. Please wait a minute and try again.
error-message-503 = The site is busy or this took too long. Please try again in a moment; nothing you entered was lost.
error-message-4xx = The request could not be understood. Please go back and try again.
error-message-500 = Something went wrong on our side. Please try again in a moment; nothing you entered was lost.
error-status = Error { $status }.
back-to-events = Back to the events
register-pay-card = Pay by card: after you submit, you go to our payment provider, Stripe, to pay. Your seats are held while you pay.
register-pay-choose = How would you like to pay?
register-pay-choice-card = By card now (Stripe)
register-pay-choice-later = Later, by bank transfer or in cash
pay-card-button = Pay { $amount } by card
pay-card-how = Pay by card before { $until } to keep your seats. You will be taken to our payment provider, Stripe.
payment-processing = Thank you. Your payment is being confirmed; this page shows it as soon as Stripe has told us.
payment-start-failed = Card payment could not be started just now because the payment provider did not answer. Your seats are still held; please try again in a few minutes.
payment-balance = balance due
host-page-title = Host a visitor
host-heading = Host a visitor
host-edit-heading = Your household
host-intro = Open your home to a visitor from one of our partner cities. Tell us about your household; we review every application, visit, and carry out the checks needed before anyone under 18 stays with you. You can change your details at any time through the link we give you.
host-status = Application
host-status-applicant = Received: we will be in touch to arrange a visit.
host-status-approved = Approved: thank you for hosting.
host-status-review = Changes received: we will review them. Visitors under 18 wait until we have; adults can still stay.
host-status-suspended = On hold: please contact us.
host-minors = Visitors under 18
host-minors-ok = Possible: every adult in the household has a valid check.
host-minors-not-accepted = You do not take visitors under 18.
host-minors-paused = Paused until every adult has been checked (still to do: { $names }).
host-applied = Thank you for applying to host. Keep this page's address: it lets you change your details and dates at any time.
host-saved = Your changes have been saved.
host-address = Address
host-address-hint = (shown only to the organisers, and to your visitor once the stay is confirmed)
host-area = Neighbourhood or town
host-area-hint = (shown to visitors before the stay is confirmed)
host-members = Who lives in your home
host-members-hint = Everyone, including you and any children. Adults will be asked for a background check before a visitor under 18 stays.
host-member-name = Person { $n }: full name
host-member-born = Date of birth
host-home = Your home
host-beds = Real beds for guests (no sofas or air beds)
host-bedrooms = Bedrooms for guests
host-max-parties = Visitor groups at the same time
host-bedroom-floor = Floor of the guest bedroom (0 = ground floor)
host-room = The guest bedroom is
host-room-private = a private room
host-room-shared = shared with a child of the household
host-bathroom = The bathroom is
host-bathroom-private = private
host-bathroom-shared = shared
host-step-free = The guest bedroom and a bathroom can be reached without stairs
host-life = Home life
host-pets = Pets
pet-cat = Cat
pet-dog = Dog
pet-bird = Bird
pet-rabbit = Rabbit
host-pets-other = Other pets (separated by commas)
host-pets-indoors = The pets live indoors
host-smoking = Smoking
host-smoking-none = Nobody smokes
host-smoking-outside = Only outside
host-smoking-inside = Also inside
host-diets = Diets you can cater for
diet-vegetarian = Vegetarian
diet-vegan = Vegan
diet-halal = Halal
diet-kosher = Kosher
diet-gluten-free = Gluten-free
diet-nut-free = Nut-free
diet-lactose-free = Lactose-free
host-language = Language spoken at home { $n }
host-language-level = Level
level-1 = Basic
level-2 = Conversational
level-3 = Fluent or native
host-interests = Interests
host-interests-hint = (separated by commas, e.g. music, football, cooking)
host-available = When you can host
host-available-from = First night
host-available-to = Last morning
host-limits = Whom you can host
host-accepts-minors = Visitors under 18
host-accepts-couples = Couples
host-accepts-smokers = Smokers
host-guest-gender = Guests
guest-gender-any = Anyone
guest-gender-female = Women and girls only
guest-gender-male = Men and boys only
host-max-nights = Longest stay in nights
host-max-nights-hint = (leave empty for no limit)
host-submit = Apply to host
host-save = Save changes
host-home-title = Host a visitor
host-home-text = Delegations and students from our partner cities stay with local families.
host-home-link = Apply to host
visitor-profile = About this visitor
visitor-profile-hint = The exchange places each visitor with a host family: this helps us find the right home. Health, allergy and diet details are shared only with the organisers and the family you stay with.
visitor-gender = Gender
visitor-gender-female = Female
visitor-gender-male = Male
visitor-gender-other = Other or prefer not to say
visitor-language = Language spoken { $n }
visitor-diets = Diets that must be followed
visitor-allergy = Allergy { $n }
visitor-allergy-severity = How serious
allergy-mild = Mild
allergy-severe = Severe
visitor-smoker = Smokes
visitor-no-stairs = Cannot use stairs
visitor-guardian = Parent or guardian
visitor-guardian-hint = Required for visitors under 18: we email the parent or guardian a link to review the profile and give the placement consents themselves.
visitor-guardian-name = Parent or guardian's full name
visitor-consents = The parent or guardian agrees to a placement
placement-consent-single-adult-household = in a household with a single adult
placement-consent-double-placement = together with another visitor in the same home
placement-consent-same-sex-parents = with same-sex host parents
match-page-title = A host placement
match-intro-host = We would like to place this visitor with you. Their full names and contact details follow once you and they have both accepted.
match-intro-visitor = This family has accepted to host you. Their full names and address follow once you confirm.
match-state-proposed = Waiting for the host family's answer.
match-state-host-accepted = The host family has accepted; waiting for the visitor to confirm.
match-state-confirmed = Confirmed by both sides.
match-state-declined = Declined. Thank you for letting us know.
match-state-expired = No answer came in time; the organisers will be in touch.
match-state-cancelled = Cancelled by the organisers.
match-state-withdrawn = This placement cannot go ahead. The organisers will be in touch.
match-accept = Accept
match-decline = Decline
match-decline-reason = Why (seen only by the organisers)
match-thanks-accepted = Thank you: your answer has been recorded.
match-thanks-declined = Thank you for letting us know. The organisers will look for another placement.
match-thanks-withdrawn = This placement cannot go ahead after all. The organisers will be in touch about what happens next.
visitor-display-name = Name to show
visitor-display-name-hint = shown to the host family before the placement is confirmed, e.g. the given name
host-member-remove = No longer lives here (remove)
host-minors-review = Visitors under 18 wait until we have reviewed your changes.
guardian-page-title = Parent or guardian consent
guardian-heading = Consent for { $visitor }
guardian-intro = { $guardian }, you are named as { $visitor }'s parent or guardian. Please check the profile below, answer each consent and leave an emergency contact. Until you confirm, { $visitor } cannot be placed with a host family.
guardian-status = Your answer
guardian-status-pending = Not answered yet
guardian-status-confirmed = Confirmed: thank you
guardian-status-refused = You refused the placement
guardian-profile = { $visitor }'s profile
guardian-profile-hint = Something wrong here? Reply to our email and we will correct it.
guardian-consents = Placement consents
guardian-give = I agree
guardian-refuse = I do not agree
guardian-emergency = Health and emergency contact
guardian-medical = Medical notes
guardian-medical-hint = medicines, conditions, anything the host family must know (shown to staff and the host family only)
guardian-emergency-name = Emergency contact
guardian-confirm = Confirm my answers
guardian-refuse-hint = If you do not want { $visitor } to stay with a host family at all:
guardian-refuse-all = I refuse the placement
guardian-saved-confirmed = Thank you: your answers are saved. You can change them here at any time.
guardian-saved-refused = Your refusal is saved: { $visitor } will not be placed. You can change your answer here.
guardian-saved-pending = Saved.
registration-guardians = Parent or guardian consent
registration-guardian-pending = { $guardian } has been emailed a link to give the consents for { $visitor }; until then { $visitor } cannot be placed with a host family.
registration-guardian-confirmed = { $guardian } has confirmed the consents for { $visitor }.
registration-guardian-refused = { $guardian } has refused a placement for { $visitor }.
stop-messages-title = Messages from { $org } about { $event }
stop-messages-explain = Staff sometimes write to everyone registered for the event: news, changes of plan, what to bring. You can stop these messages for this registration. Emails about the registration itself (confirmation, payment, a change of date or place, a cancellation) still come.
stop-messages-button = Stop these messages
stop-messages-stopped = You will get no more messages from staff about { $event }. Emails about your registration itself still come.
stop-messages-resume = Get the messages again
pay-later-reference = Please pay { $amount } and quote your payment reference { $reference }, so that the organisers know it is yours; they record your payment and your registration is then confirmed.
pay-later-ask = The organisers will tell you where to pay; if you have not heard from them, reply to their email.
