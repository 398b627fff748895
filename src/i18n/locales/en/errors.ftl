# Messages next to form fields ($max: a number; $options: a list)
error-required = is required
error-empty = must not be empty
error-too-long = must be at most { $max } characters
error-control = must not contain control characters
error-email = is not a valid email address
error-phone = must be a telephone number such as +1 419 555 0100
error-language = must be a language code such as en, es or pt-BR
error-participants-min = must list at least one participant
error-participants-max = must list at most { $max } participants
error-consent = must be accepted to register
error-choice = must be one of: { $options }
error-offering = is not an offering of this event (choose one of: { $options })
error-not-question = is not a question of this event
error-no-pay-later = this event does not accept payment later

# Why something cannot be done now (by the API's error code)
conflict-csrf_failed = This form has expired. Please go back, reload the page and submit it again.
conflict-event_cancelled = This event has been cancelled.
conflict-registration_not_open = Registration for this event is not open yet.
conflict-registration_closed = Registration for this event has closed.
conflict-not_cancellable = This registration cannot be cancelled any more.
conflict-no_open_offer = This registration has no open waitlist offer.
conflict-offer_expired = This offer has expired.
conflict-not_confirmed = The calendar file is available once the registration is confirmed.
conflict-payment_unavailable = Card payment could not be started because the payment provider did not answer. No seats are held for you; please try again in a few minutes, or choose to pay later if the event allows it.
conflict-card_unavailable = Card payments are not available for this event.
conflict-hold_expired = The time to pay for this registration has run out.
conflict-not_your_turn = This placement is not waiting for your answer.
conflict-match_expired = The time to answer has run out.
