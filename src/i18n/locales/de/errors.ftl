# Meldungen neben Formularfeldern
error-required = ist erforderlich
error-empty = darf nicht leer sein
error-too-long = darf höchstens { $max } Zeichen lang sein
error-control = darf keine Steuerzeichen enthalten
error-email = ist keine gültige E-Mail-Adresse
error-phone = muss eine Telefonnummer sein, etwa +49 30 555 0100
error-language = muss ein Sprachcode wie en, es oder pt-BR sein
error-participants-min = muss mindestens eine Person nennen
error-participants-max = darf höchstens { $max } Personen nennen
error-consent = muss für die Anmeldung akzeptiert werden
error-choice = muss eines davon sein: { $options }
error-offering = ist kein Ticket dieser Veranstaltung (eines davon wählen: { $options })
error-not-question = ist keine Frage dieser Veranstaltung
error-no-pay-later = diese Veranstaltung erlaubt keine spätere Zahlung

# Warum etwas gerade nicht möglich ist (nach dem Fehlercode)
conflict-csrf_failed = Dieses Formular ist abgelaufen. Bitte gehen Sie zurück, laden Sie die Seite neu und senden Sie es erneut.
conflict-event_cancelled = Diese Veranstaltung wurde abgesagt.
conflict-registration_not_open = Die Anmeldung für diese Veranstaltung ist noch nicht geöffnet.
conflict-registration_closed = Die Anmeldung für diese Veranstaltung ist geschlossen.
conflict-not_cancellable = Diese Anmeldung kann nicht mehr storniert werden.
conflict-no_open_offer = Für diese Anmeldung gibt es kein offenes Angebot von der Warteliste.
conflict-offer_expired = Dieses Angebot ist abgelaufen.
conflict-not_confirmed = Die Kalenderdatei gibt es, sobald die Anmeldung bestätigt ist.
conflict-payment_unavailable = Die Kartenzahlung konnte nicht gestartet werden, weil der Zahlungsdienstleister nicht geantwortet hat. Es sind keine Plätze für Sie reserviert; bitte versuchen Sie es in ein paar Minuten erneut oder wählen Sie spätere Zahlung, wenn die Veranstaltung sie erlaubt.
conflict-card_unavailable = Diese Veranstaltung nimmt keine Kartenzahlung an.
conflict-hold_expired = Die Frist zum Bezahlen dieser Anmeldung ist abgelaufen.
conflict-not_your_turn = Diese Unterbringung wartet nicht auf Ihre Antwort.
conflict-match_expired = Die Frist für eine Antwort ist abgelaufen.
