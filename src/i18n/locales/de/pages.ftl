# Anmeldeformular
register-page-title = Anmeldung: { $title }
register-heading = Anmeldung
join-waitlist-heading = Auf die Warteliste
errors-summary = { $count ->
    [one] Bitte korrigieren Sie diese Angabe
   *[other] Bitte korrigieren Sie diese { $count } Angaben
}
register-contact = Ihre Angaben (Kontaktperson)
register-contact-hint = An diese Adresse senden wir die Bestätigung und alle Neuigkeiten.
register-contact-name = Vor- und Nachname
register-email = E-Mail
register-phone = Telefon
register-phone-hint = (optional, für die Veranstalter am Veranstaltungstag)
register-language = Sprache der E-Mails
register-participant = Teilnehmer/in { $n }
register-participant-name = Vor- und Nachname
register-ticket = Ticket
register-ticket-full = ausgebucht: Warteliste
register-notes = Ernährung oder Barrierefreiheit
optional = (optional)
choose = Bitte wählen…
register-remove = Teilnehmer/in { $n } entfernen
register-add = Weitere Person hinzufügen
register-payment = Zahlung
register-pay-later = Später per Überweisung oder bar bezahlen: Wir halten Ihre Plätze frei und erklären in der Bestätigungs-E-Mail, wie Sie bezahlen. Ihre Anmeldung ist bestätigt, sobald die Zahlung verbucht ist.
register-pay-later-confirm = Zunächst halten wir Ihre Plätze { $minutes } Minuten frei: Die E-Mail, die wir Ihnen schicken, enthält einen Link, der Ihre Adresse bestätigt und die Plätze bis zur Fälligkeit der Zahlung reserviert.
limits-participants = { $count ->
    [one] Eine Person pro Anmeldung.
   *[other] Bis zu { $count } Personen pro Anmeldung.
}
limits-per-email = { $count ->
    [one] Eine Anmeldung pro E-Mail-Adresse.
   *[other] Bis zu { $count } Anmeldungen pro E-Mail-Adresse.
}
register-consent = Einwilligung
register-submit-apply = Bewerbung absenden

# Feldnamen in der Fehlerübersicht
field-contact-name = Ihr Name
field-contact-email = Ihre E-Mail-Adresse
field-contact-phone = Ihre Telefonnummer
field-contact-language = Sprache
field-consent = Einwilligung
field-participants = Teilnehmende
field-payment = Zahlung
field-participant-name = Name von Teilnehmer/in { $n }
field-participant-offering = Ticket von Teilnehmer/in { $n }
field-participant-notes = Hinweise von Teilnehmer/in { $n }
field-participant-question = Teilnehmer/in { $n } – { $question }

# Anmeldezeitraum
window-opens = Die Anmeldung beginnt am { $when }.
window-closed = Die Anmeldung ist geschlossen.

# Die private Anmeldeseite
registration-page-title = Ihre Anmeldung: { $title }
registration-heading = Ihre Anmeldung
seats-held-until = Plätze reserviert bis { $when }.
confirm-email-title = E-Mail-Adresse bestätigen
confirm-email-explain = Wenn Sie bestätigen, dass diese Adresse Ihnen gehört, bleiben Ihre Plätze so lange reserviert, wie die Veranstaltung es bis zur Zahlung vorsieht.
confirm-email-button = Meine E-Mail-Adresse bestätigen
confirm-email-pending = Wir haben einen Link an { $email } geschickt. Bestätigen Sie damit Ihre Adresse, damit Ihre Plätze länger reserviert bleiben; bis dahin sind sie nur kurz reserviert.
claim-before = Bitte bis { $when } annehmen.
see-offer = Zum Angebot
keep-private = Halten Sie die Adresse dieser Seite geheim: Wer sie kennt, kann diese Anmeldung sehen und stornieren. Wir haben sie auch an { $email } geschickt.
fact-contact = Kontakt
add-to-calendar = Zum Kalender hinzufügen (.ics)
participants = Teilnehmende
notes = Hinweise: { $notes }
checkin-code = Einlasscode:
checkin-qr-label = QR-Code für den Einlass von { $name }
checkin-hint = Zeigen Sie den QR-Code am Eingang (auf dem Handy oder ausgedruckt), dann geht der Einlass schnell.
payment = Zahlung
amount-total = Gesamt
amount-paid = Bezahlt
amount-due = Noch offen
payments-received = Zahlungen und Erstattungen
payment-date = Datum
payment-method = Zahlungsart
payment-amount = Betrag
payment-method-cash = Bar
payment-method-transfer = Überweisung
payment-method-card = Karte
payment-method-other = Sonstige
payment-refund = Erstattung ({ $method })
cannot-come = Sie können nicht kommen?
cancel-registration = Diese Anmeldung stornieren

# Status der Anmeldung: Bezeichnung und Satz
status-confirmed = Bestätigt
status-confirmed-text = Sie sind angemeldet. Wir freuen uns auf Sie.
status-attended = Eingecheckt
status-attended-text = Sie sind eingecheckt. Viel Freude bei der Veranstaltung!
status-pending_payment = Zahlung ausstehend
status-pending_payment-text = Ihre Plätze sind bis zum unten genannten Zeitpunkt für Sie reserviert. Sobald Ihre Zahlung eingeht, ist Ihre Anmeldung bestätigt.
status-awaiting_approval = In Prüfung
status-awaiting_approval-text = Die Veranstalter prüfen jede Bewerbung. Wir schreiben Ihnen, sobald sie entschieden haben.
status-waitlisted = Auf der Warteliste
status-waitlisted-text = Die Veranstaltung ist ausgebucht. Wird ein Platz frei, schicken wir Ihnen ein Angebot per E-Mail, in der Reihenfolge der Anmeldungen.
status-offered = Platz angeboten
status-offered-text = Für Sie ist ein Platz frei geworden. Nehmen Sie ihn bis zur unten genannten Frist an.
status-cancelled = Storniert
status-cancelled-text = Diese Anmeldung ist storniert.
status-expired = Abgelaufen
status-expired-text = Die Frist zum Bezahlen oder Annehmen der Plätze ist abgelaufen, deshalb wurden sie freigegeben.
status-rejected = Nicht angenommen
status-rejected-text = Die Veranstalter konnten diese Bewerbung nicht annehmen.

# Stornieren
cancel-page-title = Anmeldung stornieren
cancel-heading = Anmeldung stornieren?
cancel-explain = Damit wird die Anmeldung für alle darin genannten Personen storniert und die Plätze gehen an die nächste Person auf der Warteliste. Das lässt sich nicht rückgängig machen.
cancel-refund-full = Sie haben { $amount } bezahlt. Wenn Sie jetzt stornieren, wird alles erstattet.
cancel-refund-part = Sie haben { $amount } bezahlt. Wenn Sie jetzt stornieren, werden { $refund } erstattet: Die volle Erstattung endete am { $until }.
cancel-refund-none = Sie haben { $amount } bezahlt. Wenn Sie jetzt stornieren, wird nichts erstattet: Die volle Erstattung endete am { $until }.
cancel-refund-how = Die Veranstalter überweisen die Erstattung und schreiben Ihnen dazu.
cancel-nothing-paid = Es wurde nichts bezahlt, daher ist nichts zu erstatten.
cancel-confirm = Ja, meine Anmeldung stornieren
cancel-keep = Nein, behalten

# Angebote von der Warteliste
offer-page-title = Ein Platz für Sie: { $title }
offer-heading = Ein Platz ist für Sie frei
offer-lead = Nehmen Sie ihn bis { $when } an; danach geht er an die nächste Person auf der Warteliste.
offer-total = Gesamt: { $amount }
offer-pay-later = (später per Überweisung oder bar bezahlen)
offer-pay-card = (per Karte zu bezahlen, sobald Sie es angenommen haben)
offer-claim = { $count ->
    [one] Meinen Platz annehmen
   *[other] Meine Plätze annehmen
}
offer-closed-heading = Dieses Angebot gilt nicht mehr
offer-closed = Es wurde angenommen oder die Frist ist abgelaufen.
see-registration = Zu Ihrer Anmeldung

# Partnerstädte
partner-city = Partnerstadt
partnership = Partnerstadt
partnership-since = { $years ->
    [0] Partnerstadt seit { $year }
    [one] Partnerstadt seit { $year } (1 Jahr)
   *[other] Partnerstadt seit { $year } ({ $years } Jahre)
}
languages-spoken = Sprachen: { $languages }
partner-nothing-planned = Mit { $partner } ist gerade nichts geplant.
see-all-events = Alle Veranstaltungen ansehen

# Fehlerseiten
error-heading-404 = Seite nicht gefunden
error-heading-403 = Nicht erlaubt
error-heading-409 = Das ist gerade nicht möglich
error-heading-500 = Etwas ist schiefgelaufen
error-heading-other = Es gibt ein Problem
error-message-404 = Wir konnten diese Seite nicht finden. Vielleicht ist der Link falsch geschrieben oder die Seite wurde verschoben.
error-message-403 = Ihre Rolle erlaubt es nicht, diese Seite zu öffnen.
error-message-405 = Diese Adresse lässt sich so nicht verwenden.
error-message-408 = Das hat zu lange gedauert. Bitte versuchen Sie es noch einmal.
error-message-413 = Was Sie gesendet haben, ist zu groß.
error-message-429 = Zu viele Versuche. Bitte warten Sie eine Minute und versuchen Sie es dann erneut.
error-message-503 = Die Seite ist gerade ausgelastet oder es hat zu lange gedauert. Bitte versuchen Sie es gleich noch einmal; nichts von Ihren Eingaben ging verloren.
error-message-4xx = Die Anfrage war nicht verständlich. Bitte gehen Sie zurück und versuchen Sie es erneut.
error-message-500 = Bei uns ist etwas schiefgelaufen. Bitte versuchen Sie es gleich noch einmal; nichts von Ihren Eingaben ist verloren.
error-status = Fehler { $status }.
back-to-events = Zurück zu den Veranstaltungen
register-pay-card = Kartenzahlung: Nach dem Absenden geht es zu unserem Zahlungsdienstleister Stripe. Ihre Plätze bleiben während der Zahlung reserviert.
register-pay-choose = Wie möchten Sie bezahlen?
register-pay-choice-card = Jetzt mit Karte (Stripe)
register-pay-choice-later = Später per Überweisung oder bar
pay-card-button = { $amount } mit Karte bezahlen
pay-card-how = Bezahlen Sie bis { $until } mit Karte, damit Ihre Plätze reserviert bleiben. Sie werden zu unserem Zahlungsdienstleister Stripe weitergeleitet.
payment-processing = Vielen Dank. Ihre Zahlung wird bestätigt; diese Seite zeigt sie, sobald Stripe uns Bescheid gegeben hat.
payment-start-failed = Die Kartenzahlung konnte gerade nicht gestartet werden, weil der Zahlungsdienstleister nicht geantwortet hat. Ihre Plätze bleiben reserviert; bitte versuchen Sie es in ein paar Minuten erneut.
payment-balance = offener Betrag
host-page-title = Gäste aufnehmen
host-heading = Gäste aufnehmen
host-edit-heading = Ihr Haushalt
host-intro = Öffnen Sie Ihr Zuhause für Gäste aus einer unserer Partnerstädte. Erzählen Sie uns von Ihrem Haushalt; wir prüfen jede Bewerbung, kommen zu Besuch und führen die nötigen Überprüfungen durch, bevor eine Person unter 18 Jahren bei Ihnen wohnt. Über den Link, den Sie von uns erhalten, können Sie Ihre Angaben jederzeit ändern.
host-status = Bewerbung
host-status-applicant = Eingegangen: Wir melden uns, um einen Besuch zu vereinbaren.
host-status-approved = Angenommen: Danke, dass Sie Gäste aufnehmen.
host-status-review = Änderungen erhalten: Wir prüfen sie. Gäste unter 18 Jahren warten bis dahin; Erwachsene können weiterhin bei Ihnen wohnen.
host-status-suspended = Pausiert: Bitte wenden Sie sich an uns.
host-minors = Gäste unter 18 Jahren
host-minors-ok = Möglich: Alle Erwachsenen im Haushalt haben eine gültige Überprüfung.
host-minors-not-accepted = Sie nehmen keine Gäste unter 18 Jahren auf.
host-minors-paused = Pausiert, bis alle Erwachsenen überprüft sind (noch offen: { $names }).
host-applied = Danke für Ihre Bewerbung. Bewahren Sie die Adresse dieser Seite auf: Hier können Sie Ihre Angaben und Termine jederzeit ändern.
host-saved = Ihre Änderungen wurden gespeichert.
host-address = Adresse
host-address-hint = (nur für die Veranstalter sichtbar, und für Ihren Gast, sobald der Aufenthalt bestätigt ist)
host-area = Stadtteil oder Ort
host-area-hint = (für Gäste sichtbar, bevor der Aufenthalt bestätigt ist)
host-members = Wer bei Ihnen wohnt
host-members-hint = Alle, auch Sie selbst und Kinder. Erwachsene werden um ein Führungszeugnis gebeten, bevor ein Gast unter 18 Jahren bei Ihnen wohnt.
host-member-name = Person { $n }: vollständiger Name
host-member-born = Geburtsdatum
host-home = Ihr Zuhause
host-beds = Richtige Betten für Gäste (keine Sofas oder Luftmatratzen)
host-bedrooms = Schlafzimmer für Gäste
host-max-parties = Gästegruppen gleichzeitig
host-bedroom-floor = Stockwerk des Gästezimmers (0 = Erdgeschoss)
host-room = Das Gästezimmer ist
host-room-private = ein eigenes Zimmer
host-room-shared = mit einem Kind des Haushalts geteilt
host-bathroom = Das Bad ist
host-bathroom-private = eigen
host-bathroom-shared = geteilt
host-step-free = Gästezimmer und ein Bad sind ohne Treppen erreichbar
host-life = Leben im Haushalt
host-pets = Haustiere
pet-cat = Katze
pet-dog = Hund
pet-bird = Vogel
pet-rabbit = Kaninchen
host-pets-other = Andere Haustiere (durch Kommas getrennt)
host-pets-indoors = Die Haustiere leben in der Wohnung
host-smoking = Rauchen
host-smoking-none = Niemand raucht
host-smoking-outside = Nur draußen
host-smoking-inside = Auch drinnen
host-diets = Ernährungsweisen, die Sie anbieten können
diet-vegetarian = Vegetarisch
diet-vegan = Vegan
diet-halal = Halal
diet-kosher = Koscher
diet-gluten-free = Glutenfrei
diet-nut-free = Ohne Nüsse
diet-lactose-free = Laktosefrei
host-language = Sprache im Haushalt { $n }
host-language-level = Niveau
level-1 = Grundkenntnisse
level-2 = Gesprächsniveau
level-3 = Fließend oder Muttersprache
host-interests = Interessen
host-interests-hint = (durch Kommas getrennt, z. B. Musik, Fußball, Kochen)
host-available = Wann Sie Gäste aufnehmen können
host-available-from = Erste Nacht
host-available-to = Letzter Morgen
host-limits = Wen Sie aufnehmen können
host-accepts-minors = Gäste unter 18 Jahren
host-accepts-couples = Paare
host-accepts-smokers = Raucher
host-guest-gender = Gäste
guest-gender-any = Alle
guest-gender-female = Nur Frauen und Mädchen
guest-gender-male = Nur Männer und Jungen
host-max-nights = Längster Aufenthalt in Nächten
host-max-nights-hint = (leer lassen, wenn es keine Grenze gibt)
host-submit = Als Gastgeber bewerben
host-save = Änderungen speichern
host-home-title = Gäste aufnehmen
host-home-text = Delegationen und Jugendliche aus unseren Partnerstädten wohnen bei Familien vor Ort.
host-home-link = Als Gastgeber bewerben
visitor-profile = Über diesen Gast
visitor-profile-hint = Beim Austausch wohnt jeder Gast bei einer Gastfamilie: Diese Angaben helfen uns, das passende Zuhause zu finden. Angaben zu Gesundheit, Allergien und Ernährung erhalten nur die Veranstalter und die Gastfamilie.
visitor-gender = Geschlecht
visitor-gender-female = Weiblich
visitor-gender-male = Männlich
visitor-gender-other = Divers oder keine Angabe
visitor-language = Gesprochene Sprache { $n }
visitor-diets = Ernährung, die eingehalten werden muss
visitor-allergy = Allergie { $n }
visitor-allergy-severity = Wie schwer
allergy-mild = Leicht
allergy-severe = Schwer
visitor-smoker = Raucht
visitor-no-stairs = Kann keine Treppen steigen
visitor-guardian = Eltern oder Erziehungsberechtigte
visitor-guardian-hint = Pflicht für Gäste unter 18 Jahren: Wir senden der erziehungsberechtigten Person einen Link, um das Profil zu prüfen und die Einwilligungen zur Unterbringung selbst zu geben.
visitor-guardian-name = Vollständiger Name der erziehungsberechtigten Person
visitor-consents = Die erziehungsberechtigte Person stimmt einer Unterbringung zu
placement-consent-single-adult-household = in einem Haushalt mit nur einer erwachsenen Person
placement-consent-double-placement = zusammen mit einem weiteren Gast im selben Zuhause
placement-consent-same-sex-parents = bei gleichgeschlechtlichen Gasteltern
match-page-title = Eine Unterbringung
match-intro-host = Wir würden diesen Gast gern bei Ihnen unterbringen. Vollständige Namen und Kontaktdaten folgen, sobald Sie und der Gast zugestimmt haben.
match-intro-visitor = Diese Familie hat zugesagt, Sie aufzunehmen. Vollständige Namen und Adresse folgen, sobald Sie bestätigen.
match-state-proposed = Wir warten auf die Antwort der Gastfamilie.
match-state-host-accepted = Die Gastfamilie hat zugesagt; die Bestätigung des Gastes fehlt noch.
match-state-confirmed = Von beiden Seiten bestätigt.
match-state-declined = Abgesagt. Danke für Ihre Rückmeldung.
match-state-expired = Es kam keine Antwort rechtzeitig; die Veranstalter melden sich.
match-state-cancelled = Von den Veranstaltern abgesagt.
match-state-withdrawn = Diese Unterbringung kann nicht stattfinden. Die Veranstalter melden sich.
match-accept = Zusagen
match-decline = Absagen
match-decline-reason = Warum (nur für die Veranstalter sichtbar)
match-thanks-accepted = Danke: Ihre Antwort ist gespeichert.
match-thanks-declined = Danke für Ihre Rückmeldung. Die Veranstalter suchen eine andere Unterbringung.
match-thanks-withdrawn = Diese Unterbringung kann leider nicht stattfinden. Die Veranstalter melden sich zu den nächsten Schritten.
visitor-display-name = Angezeigter Name
visitor-display-name-hint = sieht die Gastfamilie, bevor die Unterbringung bestätigt ist, z. B. der Vorname
host-member-remove = Wohnt nicht mehr hier (entfernen)
host-minors-review = Gäste unter 18 Jahren warten, bis wir Ihre Änderungen geprüft haben.
guardian-page-title = Einwilligung der Erziehungsberechtigten
guardian-heading = Einwilligung für { $visitor }
guardian-intro = { $guardian }, Sie sind als Elternteil oder Erziehungsberechtigte/r von { $visitor } angegeben. Bitte prüfen Sie das Profil, beantworten Sie jede Einwilligung und nennen Sie einen Notfallkontakt. Bis Sie bestätigen, kann { $visitor } keiner Gastfamilie zugeteilt werden.
guardian-status = Ihre Antwort
guardian-status-pending = Noch nicht beantwortet
guardian-status-confirmed = Bestätigt: vielen Dank
guardian-status-refused = Sie haben die Unterbringung abgelehnt
guardian-profile = Profil von { $visitor }
guardian-profile-hint = Stimmt etwas nicht? Antworten Sie auf unsere E-Mail, wir korrigieren es.
guardian-consents = Einwilligungen zur Unterbringung
guardian-give = Ich stimme zu
guardian-refuse = Ich stimme nicht zu
guardian-emergency = Gesundheit und Notfallkontakt
guardian-medical = Medizinische Hinweise
guardian-medical-hint = Medikamente, Erkrankungen, alles, was die Gastfamilie wissen muss (nur für die Veranstalter und die Gastfamilie sichtbar)
guardian-emergency-name = Notfallkontakt
guardian-confirm = Antworten bestätigen
guardian-refuse-hint = Wenn { $visitor } gar nicht bei einer Gastfamilie wohnen soll:
guardian-refuse-all = Ich lehne die Unterbringung ab
guardian-saved-confirmed = Vielen Dank: Ihre Antworten sind gespeichert. Sie können sie hier jederzeit ändern.
guardian-saved-refused = Ihre Ablehnung ist gespeichert: { $visitor } wird nicht untergebracht. Sie können Ihre Antwort hier ändern.
guardian-saved-pending = Gespeichert.
registration-guardians = Einwilligung der Erziehungsberechtigten
registration-guardian-pending = { $guardian } hat einen Link erhalten, um die Einwilligungen für { $visitor } zu geben; bis dahin kann { $visitor } keiner Gastfamilie zugeteilt werden.
registration-guardian-confirmed = { $guardian } hat die Einwilligungen für { $visitor } bestätigt.
registration-guardian-refused = { $guardian } hat eine Unterbringung von { $visitor } abgelehnt.
stop-messages-title = Nachrichten von { $org } zu { $event }
stop-messages-explain = Das Team schreibt manchmal allen, die für die Veranstaltung angemeldet sind: Neuigkeiten, geänderte Pläne, was mitzubringen ist. Sie können diese Nachrichten für diese Anmeldung abbestellen. E-Mails zur Anmeldung selbst (Bestätigung, Zahlung, eine Änderung von Datum oder Ort, eine Absage) kommen weiterhin.
stop-messages-button = Diese Nachrichten abbestellen
stop-messages-stopped = Sie erhalten keine Nachrichten des Teams zu { $event } mehr. E-Mails zu Ihrer Anmeldung selbst kommen weiterhin.
stop-messages-resume = Nachrichten wieder erhalten
pay-later-reference = Bitte bezahlen Sie { $amount } und geben Sie Ihre Zahlungsreferenz { $reference } an, damit die Veranstalter die Zahlung zuordnen können; sie verbuchen Ihre Zahlung, dann ist Ihre Anmeldung bestätigt.
pay-later-ask = Die Veranstalter teilen Ihnen mit, wohin Sie zahlen; falls Sie nichts gehört haben, antworten Sie auf ihre E-Mail.
