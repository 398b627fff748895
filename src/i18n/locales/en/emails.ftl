# Emails: the shared frame
email-hello = Hello { $name },
email-footer = You receive this email about your registration for { $title }.
email-your-registration = Your registration
email-event = Event
email-when = When
email-where = Where
email-participants = Participants

# Registration received
email-subject-received = Registration received: { $title }
email-received-review = Thank you for registering. Your registration will be reviewed by our team; we will write to you as soon as it is decided.
email-received-held = Thank you for registering. Your seats are held until { $until }.
email-received-confirm = Please confirm your email address to keep these seats until { $keep }. Until you do, they are held only until { $until } and then offered to others.
email-received-confirm-link = Confirm my email address
email-see-or-change = See or change your registration

# Confirmed
email-subject-confirmed = Confirmed: { $title }
email-confirmed = Your registration is confirmed. We look forward to seeing you!
email-paid = Paid: { $amount }.
email-checkin-show = { $count ->
    [one] Show this code at the entrance to check in:
   *[other] Show these codes at the entrance to check in:
}
email-checkin-codes-text = Check-in codes (show them at the entrance; your registration page has them as QR codes):
email-calendar-note = The attached calendar file adds the event to your calendar. Your registration page shows the check-in codes too and lets you cancel if your plans change:

# Waiting list
email-subject-waitlisted = On the waiting list: { $title }
email-waitlisted = The event is full at the moment, so your registration is on the waiting list. If seats become free, we offer them in the order registrations arrived and will email you a link to claim them.
email-waitlisted-link = Your registration (you can leave the waiting list there)

# Waitlist offer
email-subject-offer = Seats available for you: { $title }
email-offer = Good news: seats have become free and are held for you until { $until }.
email-offer-claim = Claim your seats
email-offer-after = If you do not claim them by then, they go to the next person on the waiting list.
email-subject-offer-expired = Your offer has expired: { $title }
email-offer-expired = The seats we offered you were not claimed in time, so they have gone to the next person on the waiting list. We are sorry it did not work out this time.

# Payment
email-subject-payment-due = Payment reminder: { $title }
email-payment-due = We have not received your payment of { $amount } yet. Your seats are held until { $until }; after that they are released.
email-how-to-pay = How to pay
email-subject-hold-expired = Your seats were released: { $title }
email-hold-expired = We did not receive your payment before { $until }, so the seats held for you have been released. If you have paid in the meantime, please reply to this email and we will sort it out.

# Reminders
email-subject-reminder = Reminder: { $title } { $when }
email-reminder = A reminder that { $title } is { $when }.
email-reminder-code = Your check-in code is on your registration page:
email-reminder-when = { $count ->
    [0] today
    [1] tomorrow
   *[other] in { $count } days
}

# Cancelled, rejected
email-subject-cancelled = Cancelled: { $title }
email-cancelled = Your registration has been cancelled.
email-cancelled-reason = Your registration has been cancelled ({ $reason }).
email-paid-refund = You paid { $amount }. We will be in touch about your refund.
email-refund-full = You paid { $amount }; it will be refunded in full.
email-refund-part = You paid { $amount }; under the event's cancellation policy { $refund } of it will be refunded.
email-refund-none = You paid { $amount }. Under the event's cancellation policy, cancellations this close to the event are not refunded.
email-subject-rejected = About your registration: { $title }
email-rejected = We are sorry: we cannot accept your registration. Nothing has been charged.
email-rejected-reason = We are sorry: we cannot accept your registration ({ $reason }). Nothing has been charged.

# Changes to the event
email-subject-event-changed = Changed: { $title }
email-event-changed = The details of { $title } have changed. Here is what is planned now:
email-before = Before: { $when }
email-changed-cancel = If you can no longer come, please cancel on your registration page so someone else can have your seats:
email-subject-event-cancelled = Event cancelled: { $title }
email-event-cancelled = We are sorry to tell you that { $title } has been cancelled.

# Messages from the organisers
email-subject-message = { $title }: { $subject }

# Refunds
email-subject-refunded = Refund: { $title }
email-refunded = We have refunded { $refund } to you. What you have paid now comes to { $paid }.
email-refund-reason = Reason: { $reason }

# To staff
email-subject-approval-needed = To review: { $contact } for { $title }
email-approval-needed = { $contact } ({ $email }) registered for { $title }, which needs approval.
email-review-link = Review the registration
refund-reason-seats-gone = Your card payment arrived after the time to pay had run out, and the seats had been given to others in the meantime, so we could not confirm your registration.
refund-reason-not-live = Your card payment arrived for a registration that is no longer active.
refund-reason-paid-twice = This registration had already been paid in full.
refund-reason-cancelled = You cancelled your registration.
refund-reason-event-cancelled = The event has been cancelled.
email-subject-match-proposed = Could you host a visitor? { $title }
email-subject-match-offered = A host family for { $title }
email-subject-match-confirmed = Your placement is confirmed: { $title }
email-subject-match-reminder = Reminder: please answer about { $title }
email-subject-match-closed = Placement closed: { $title }
email-match-proposed = We would like to place a visitor with you during { $title } ({ $when }). Here is what you need to know; their full names and contact details follow once you and they have both accepted.
email-match-offered = A host family has accepted to welcome you during { $title } ({ $when }). Here is a little about them; their full names and address follow once you confirm.
email-match-confirmed = Your placement for { $title } ({ $when }) is confirmed by both sides. Here are the details to get in touch.
email-match-reminder = We are still waiting for your answer about a placement during { $title } ({ $when }).
email-match-closed = A placement of { $title } ({ $when }) is closed and the party is back in the pool.
email-match-answer-by = Please answer by { $deadline }.
email-match-answer = Accept or decline
match-line-visitor = { $name }, age { $age }, { $gender }
match-line-languages = Languages: { $list }
match-line-needs = Needs at home: { $list }
match-line-guardian = Parent or guardian: { $name } ({ $contact })
match-line-country = From: { $country }
match-line-dates = Stay: { $from } to { $to }
match-line-contact = Contact: { $name }, { $email } { $phone }
match-line-hosts = Hosts: { $names }
match-line-household = Household: { $adults_text }, { $children_text }
match-line-area = Area: { $area }
match-line-pets = Pets: { $list }
match-line-smoking = Smoking: { $value }
match-line-home-languages = Languages at home: { $list }
match-line-interests = Interests: { $list }
match-line-address = Address: { $address }
email-subject-match-arrival = { $title } starts { $in }
email-match-arrival = { $title } ({ $when }) starts { $in }. Here again are the details of your placement, to agree on arrival times and pick-up.
match-adults = { $adults ->
    [one] 1 adult
   *[other] { $adults } adults
}
match-children = { $children ->
    [0] no children
    [one] 1 child
   *[other] { $children } children
}
email-subject-match-withdrawn = Placement cannot go ahead: { $title }
email-match-withdrawn = We are sorry: the placement we proposed for { $title } ({ $when }) cannot go ahead. Nothing is needed from you; the organisers will be in touch about what happens next.
email-subject-guardian-request = Your consent is needed: { $visitor } at { $title }
email-guardian-request = { $contact } has registered { $visitor } for { $title } ({ $when }), a stay with a host family. You are named as { $visitor }'s parent or guardian.
email-guardian-why = Please review { $visitor }'s profile, give or refuse each placement consent and leave medical notes and an emergency contact. Until you have answered, { $visitor } cannot be placed with a host family.
email-guardian-answer = Review and answer
email-guardian-not-you = If you are not { $visitor }'s parent or guardian, do not answer; reply to this email instead.
email-copy-guardian = You receive a copy of this email as { $visitor }'s parent or guardian.
email-copy-minor = A copy for you: { $guardian } answers about this placement as the parent or guardian.
email-pay-card = Amount due: { $amount }. Pay it by card on your registration page before the hold ends; your registration is confirmed as soon as the payment goes through.
email-pay-card-link = Pay by card
email-pay-later = Amount due: { $amount }. Please pay it before the hold ends and quote your payment reference { $reference }, so that we know it is yours; we confirm your registration once the payment has arrived.
email-pay-later-ask = We will tell you where to pay; if you have not heard from us, reply to this email.
