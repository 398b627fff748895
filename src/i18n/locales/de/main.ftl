# Öffentliche Seiten: Rahmen
skip-to-content = Zum Inhalt springen
nav-main = Hauptmenü
nav-events = Veranstaltungen
nav-calendar-feed = Kalender-Abo
footer-registrations-by = Anmeldungen mit Twinning
footer-staff-sign-in = Anmeldung für das Team
language-switch = Sprache

# Startseite
home-title = Kommende Veranstaltungen und Austausche
home-partner-title = Veranstaltungen mit { $partner }, { $country }
home-show-all = Alle Veranstaltungen zeigen
home-about-partnership = Über unsere Partnerschaft mit { $partner }
home-partner-city = Partnerstadt
home-all-partner-cities = Alle Partnerstädte
home-show = Anzeigen
home-empty = Zurzeit sind keine Veranstaltungen geplant. Abonnieren Sie den <a href="/events.ics">Kalender</a>, um von neuen zu erfahren.
