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
