# Public pages: layout
skip-to-content = Skip to content
nav-main = Main
nav-events = Events
nav-calendar-feed = Calendar feed
footer-registrations-by = Registrations by Twinning
footer-staff-sign-in = Staff sign-in
language-switch = Language

# Home page
home-title = Upcoming events and exchanges
home-partner-title = Events with { $partner }, { $country }
home-show-all = Show all events
home-about-partnership = About our partnership with { $partner }
home-partner-city = Partner city
home-all-partner-cities = All partner cities
home-show = Show
home-empty = No upcoming events right now. Subscribe to the <a href="/events.ics">calendar feed</a> to hear about new ones.

# Events: cards and the event page
kind-event = Event
kind-exchange = Exchange
with-partner = with
price-free = Free
seats-full = Full: waitlist open
seats-left = { $count ->
    [one] 1 seat left
   *[other] { $count } seats left
}
event-cancelled = This event has been cancelled.
fact-when = When
fact-where = Where
fact-price = Price
fact-seats = Seats
fact-cancellation = Cancellation
fact-limits = Limits
policy-full-then-part = Full refund until { $until }; after that { $percent } %.
policy-full-then-none = Full refund until { $until }; no refund after that.
tickets = Tickets
tickets-caption = Tickets and prices
ticket = Ticket
availability = Availability
ticket-full = Full (waitlist)
ticket-left = { $count } left
ticket-available = Available
event-full-waitlist = The event is full. Join the waitlist and we will email you if a seat frees up.
join-waitlist = Join the waitlist
approval-note = Applications are reviewed by the organisers before they are confirmed.
apply = Apply
register = Register
payment-unavailable = This event takes payment by card only, and card payments are not set up yet. Please contact the organisers to register.
