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

# Veranstaltungen: Karten und Veranstaltungsseite
kind-event = Veranstaltung
kind-exchange = Austausch
with-partner = mit
price-free = Kostenlos
seats-full = Ausgebucht: Warteliste offen
seats-left = { $count ->
    [one] Noch 1 Platz frei
   *[other] Noch { $count } Plätze frei
}
event-cancelled = Diese Veranstaltung wurde abgesagt.
fact-when = Wann
fact-where = Wo
fact-price = Preis
fact-seats = Plätze
fact-cancellation = Stornierung
fact-limits = Grenzen
policy-full-then-part = Volle Erstattung bis { $until }; danach { $percent } %.
policy-full-then-none = Volle Erstattung bis { $until }; danach keine Erstattung.
tickets = Tickets
tickets-caption = Tickets und Preise
ticket = Ticket
availability = Verfügbarkeit
ticket-full = Ausgebucht (Warteliste)
ticket-left = Noch { $count }
ticket-available = Verfügbar
event-full-waitlist = Die Veranstaltung ist ausgebucht. Tragen Sie sich in die Warteliste ein; wir schreiben Ihnen, sobald ein Platz frei wird.
join-waitlist = Auf die Warteliste
approval-note = Die Veranstalter prüfen jede Bewerbung, bevor sie bestätigt wird.
apply = Bewerben
register = Anmelden
payment-unavailable = Diese Veranstaltung nimmt nur Kartenzahlung an, und Kartenzahlung ist noch nicht eingerichtet. Bitte wenden Sie sich für die Anmeldung an die Veranstalter.
