# E-Mails: gemeinsamer Rahmen
email-hello = Hallo { $name },
email-footer = Sie erhalten diese E-Mail wegen Ihrer Anmeldung zu { $title }.
email-your-registration = Ihre Anmeldung
email-event = Veranstaltung
email-when = Wann
email-where = Wo
email-participants = Teilnehmende

# Anmeldung eingegangen
email-subject-received = Anmeldung eingegangen: { $title }
email-received-review = Vielen Dank für Ihre Anmeldung. Unser Team prüft sie; wir schreiben Ihnen, sobald entschieden ist.
email-received-held = Vielen Dank für Ihre Anmeldung. Ihre Plätze sind bis { $until } reserviert.
email-received-confirm = Bitte bestätigen Sie Ihre E-Mail-Adresse, damit die Plätze bis { $keep } für Sie reserviert bleiben. Bis dahin sind sie nur bis { $until } reserviert und werden danach anderen angeboten.
email-received-confirm-link = Meine E-Mail-Adresse bestätigen
email-see-or-change = Anmeldung ansehen oder ändern

# Bestätigt
email-subject-confirmed = Bestätigt: { $title }
email-confirmed = Ihre Anmeldung ist bestätigt. Wir freuen uns auf Sie!
email-paid = Bezahlt: { $amount }.
email-checkin-show = { $count ->
    [one] Zeigen Sie diesen Code am Eingang:
   *[other] Zeigen Sie diese Codes am Eingang:
}
email-checkin-codes-text = Einlasscodes (am Eingang vorzeigen; auf Ihrer Anmeldeseite gibt es sie als QR-Codes):
email-calendar-note = Mit der angehängten Kalenderdatei tragen Sie die Veranstaltung in Ihren Kalender ein. Ihre Anmeldeseite zeigt auch die Einlasscodes, und dort können Sie stornieren, falls sich Ihre Pläne ändern:

# Warteliste
email-subject-waitlisted = Auf der Warteliste: { $title }
email-waitlisted = Die Veranstaltung ist im Moment ausgebucht, daher steht Ihre Anmeldung auf der Warteliste. Werden Plätze frei, bieten wir sie in der Reihenfolge der Anmeldungen an und schicken Ihnen einen Link, um sie anzunehmen.
email-waitlisted-link = Ihre Anmeldung (dort können Sie die Warteliste auch verlassen)

# Angebot von der Warteliste
email-subject-offer = Plätze für Sie frei: { $title }
email-offer = Gute Nachricht: Es sind Plätze frei geworden, die bis { $until } für Sie reserviert sind.
email-offer-claim = Plätze annehmen
email-offer-after = Wenn Sie sie bis dahin nicht annehmen, gehen sie an die nächste Person auf der Warteliste.
email-subject-offer-expired = Ihr Angebot ist abgelaufen: { $title }
email-offer-expired = Die angebotenen Plätze wurden nicht rechtzeitig angenommen und sind an die nächste Person auf der Warteliste gegangen. Schade, dass es diesmal nicht geklappt hat.

# Zahlung
email-subject-payment-due = Zahlungserinnerung: { $title }
email-payment-due = Ihre Zahlung von { $amount } ist noch nicht eingegangen. Ihre Plätze sind bis { $until } reserviert; danach werden sie freigegeben.
email-how-to-pay = So bezahlen Sie
email-subject-hold-expired = Ihre Plätze wurden freigegeben: { $title }
email-hold-expired = Ihre Zahlung ist nicht bis { $until } eingegangen, daher wurden die für Sie reservierten Plätze freigegeben. Falls Sie inzwischen bezahlt haben, antworten Sie bitte auf diese E-Mail, dann klären wir das.

# Erinnerungen
email-subject-reminder = Erinnerung: { $title } { $when }
email-reminder = Zur Erinnerung: { $title } ist { $when }.
email-reminder-code = Ihr Einlasscode steht auf Ihrer Anmeldeseite:
email-reminder-when = { $count ->
    [0] heute
    [1] morgen
   *[other] in { $count } Tagen
}

# Storniert, abgelehnt
email-subject-cancelled = Storniert: { $title }
email-cancelled = Ihre Anmeldung wurde storniert.
email-cancelled-reason = Ihre Anmeldung wurde storniert ({ $reason }).
email-paid-refund = Sie haben { $amount } bezahlt. Wir melden uns wegen der Erstattung bei Ihnen.
email-refund-full = Sie haben { $amount } bezahlt; der Betrag wird vollständig erstattet.
email-refund-part = Sie haben { $amount } bezahlt; nach den Stornobedingungen der Veranstaltung werden { $refund } davon erstattet.
email-refund-none = Sie haben { $amount } bezahlt. Nach den Stornobedingungen der Veranstaltung werden so kurzfristige Stornierungen nicht erstattet.
email-subject-rejected = Zu Ihrer Anmeldung: { $title }
email-rejected = Es tut uns leid: Wir können Ihre Anmeldung nicht annehmen. Es wurde nichts berechnet.
email-rejected-reason = Es tut uns leid: Wir können Ihre Anmeldung nicht annehmen ({ $reason }). Es wurde nichts berechnet.

# Änderungen der Veranstaltung
email-subject-event-changed = Geändert: { $title }
email-event-changed = Bei { $title } hat sich etwas geändert. So ist es jetzt geplant:
email-before = Vorher: { $when }
email-changed-cancel = Wenn Sie nicht mehr kommen können, stornieren Sie bitte auf Ihrer Anmeldeseite, damit jemand anderes Ihre Plätze bekommt:
email-subject-event-cancelled = Veranstaltung abgesagt: { $title }
email-event-cancelled = Leider müssen wir Ihnen mitteilen, dass { $title } abgesagt wurde.

# Nachrichten der Veranstalter
email-subject-message = { $title }: { $subject }

# Erstattungen
email-subject-refunded = Erstattung: { $title }
email-refunded = Wir haben Ihnen { $refund } erstattet. Bezahlt haben Sie damit insgesamt { $paid }.
email-refund-reason = Grund: { $reason }

# An das Team
email-subject-approval-needed = Zu prüfen: { $contact } für { $title }
email-approval-needed = { $contact } ({ $email }) hat sich für { $title } angemeldet; die Anmeldung muss genehmigt werden.
email-review-link = Anmeldung prüfen
refund-reason-seats-gone = Ihre Kartenzahlung kam nach Ablauf der Zahlungsfrist an, und die Plätze waren inzwischen an andere vergeben, daher konnten wir Ihre Anmeldung nicht bestätigen.
refund-reason-not-live = Ihre Kartenzahlung kam für eine Anmeldung an, die nicht mehr aktiv ist.
refund-reason-paid-twice = Diese Anmeldung war bereits vollständig bezahlt.
refund-reason-cancelled = Sie haben Ihre Anmeldung storniert.
refund-reason-event-cancelled = Die Veranstaltung wurde abgesagt.
email-subject-match-proposed = Können Sie einen Gast aufnehmen? { $title }
email-subject-match-offered = Eine Gastfamilie für { $title }
email-subject-match-confirmed = Ihre Unterbringung ist bestätigt: { $title }
email-subject-match-reminder = Erinnerung: Bitte antworten Sie zu { $title }
email-subject-match-closed = Unterbringung beendet: { $title }
email-match-proposed = Wir würden während { $title } ({ $when }) gern einen Gast bei Ihnen unterbringen. Hier das Wichtigste; vollständige Namen und Kontaktdaten folgen, sobald Sie und der Gast zugestimmt haben.
email-match-offered = Eine Gastfamilie hat zugesagt, Sie während { $title } ({ $when }) aufzunehmen. Hier etwas über sie; vollständige Namen und Adresse folgen, sobald Sie bestätigen.
email-match-confirmed = Ihre Unterbringung für { $title } ({ $when }) ist von beiden Seiten bestätigt. Hier die Daten, um Kontakt aufzunehmen.
email-match-reminder = Wir warten noch auf Ihre Antwort zu einer Unterbringung während { $title } ({ $when }).
email-match-closed = Eine Unterbringung für { $title } ({ $when }) ist beendet; die Gruppe ist wieder ohne Gastgeber.
email-match-answer-by = Bitte antworten Sie bis { $deadline }.
email-match-answer = Zusagen oder absagen
match-line-visitor = { $name }, Alter { $age }, { $gender }
match-line-languages = Sprachen: { $list }
match-line-needs = Bedürfnisse im Haushalt: { $list }
match-line-guardian = Erziehungsberechtigte Person: { $name } ({ $contact })
match-line-country = Herkunft: { $country }
match-line-dates = Aufenthalt: { $from } bis { $to }
match-line-contact = Kontakt: { $name }, { $email } { $phone }
match-line-hosts = Gastgeber: { $names }
match-line-household = Haushalt: { $adults_text }, { $children_text }
match-line-area = Gegend: { $area }
match-line-pets = Haustiere: { $list }
match-line-smoking = Rauchen: { $value }
match-line-home-languages = Sprachen im Haushalt: { $list }
match-line-interests = Interessen: { $list }
match-line-address = Adresse: { $address }
email-subject-match-arrival = { $title } beginnt { $in }
email-match-arrival = { $title } ({ $when }) beginnt { $in }. Hier noch einmal die Angaben zu Ihrer Unterbringung, um Ankunftszeit und Abholung abzusprechen.
match-adults = { $adults ->
    [one] 1 erwachsene Person
   *[other] { $adults } Erwachsene
}
match-children = { $children ->
    [0] keine Kinder
    [one] 1 Kind
   *[other] { $children } Kinder
}
email-subject-match-withdrawn = Unterbringung kann nicht stattfinden: { $title }
email-match-withdrawn = Es tut uns leid: Die vorgeschlagene Unterbringung für { $title } ({ $when }) kann nicht stattfinden. Sie müssen nichts tun; die Veranstalter melden sich zu den nächsten Schritten.
email-subject-guardian-request = Ihre Einwilligung wird benötigt: { $visitor } bei { $title }
email-guardian-request = { $contact } hat { $visitor } für { $title } ({ $when }) angemeldet, einen Aufenthalt bei einer Gastfamilie. Sie sind als Elternteil oder Erziehungsberechtigte/r von { $visitor } angegeben.
email-guardian-why = Bitte prüfen Sie das Profil von { $visitor }, erteilen oder verweigern Sie jede Einwilligung zur Unterbringung und hinterlassen Sie medizinische Hinweise und einen Notfallkontakt. Bis Sie geantwortet haben, kann { $visitor } keiner Gastfamilie zugeteilt werden.
email-guardian-answer = Prüfen und antworten
email-guardian-not-you = Wenn Sie nicht Elternteil oder Erziehungsberechtigte/r von { $visitor } sind, antworten Sie bitte nicht, sondern schreiben Sie uns auf diese E-Mail zurück.
email-copy-guardian = Sie erhalten eine Kopie dieser E-Mail als Elternteil oder Erziehungsberechtigte/r von { $visitor }.
email-copy-minor = Eine Kopie für dich: { $guardian } antwortet zu dieser Unterbringung als Elternteil oder Erziehungsberechtigte/r.
email-pay-card = Offener Betrag: { $amount }. Bitte bezahlen Sie ihn vor Ablauf der Reservierung per Karte auf Ihrer Anmeldeseite; Ihre Anmeldung ist bestätigt, sobald die Zahlung durchgeht.
email-pay-card-link = Mit Karte bezahlen
email-pay-later = Offener Betrag: { $amount }. Bitte bezahlen Sie ihn vor Ablauf der Reservierung und geben Sie dabei Ihre Zahlungsreferenz { $reference } an, damit wir die Zahlung zuordnen können; wir bestätigen Ihre Anmeldung, sobald die Zahlung eingegangen ist.
email-pay-later-ask = Wir teilen Ihnen mit, wohin Sie zahlen; falls Sie nichts von uns gehört haben, antworten Sie bitte auf diese E-Mail.
