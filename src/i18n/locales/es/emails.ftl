# Correos: estructura común
email-hello = Hola, { $name }:
email-footer = Recibes este correo por tu inscripción en { $title }.
email-your-registration = Tu inscripción
email-event = Evento
email-when = Cuándo
email-where = Dónde
email-participants = Participantes

# Inscripción recibida
email-subject-received = Inscripción recibida: { $title }
email-received-review = Gracias por inscribirte. Nuestro equipo revisará tu inscripción y te escribiremos en cuanto se decida.
email-received-held = Gracias por inscribirte. Tus plazas están reservadas hasta el { $until }.
email-received-confirm = Confirma tu dirección de correo para mantener estas plazas hasta el { $keep }. Mientras no lo hagas, solo se reservan hasta el { $until } y después se ofrecen a otras personas.
email-received-confirm-link = Confirmar mi dirección de correo
email-see-or-change = Ver o cambiar tu inscripción

# Confirmada
email-subject-confirmed = Confirmada: { $title }
email-confirmed = Tu inscripción está confirmada. ¡Te esperamos!
email-paid = Pagado: { $amount }.
email-checkin-show = { $count ->
    [one] Muestra este código en la entrada:
   *[other] Muestra estos códigos en la entrada:
}
email-checkin-codes-text = Códigos de acceso (muéstralos en la entrada; la página de tu inscripción los tiene como códigos QR):
email-calendar-note = El archivo de calendario adjunto añade el evento a tu calendario. La página de tu inscripción también muestra los códigos de acceso y te permite cancelar si cambian tus planes:

# Lista de espera
email-subject-waitlisted = En lista de espera: { $title }
email-waitlisted = El evento está completo en este momento, así que tu inscripción está en la lista de espera. Si se liberan plazas, las ofrecemos por orden de llegada y te enviaremos un enlace para confirmarlas.
email-waitlisted-link = Tu inscripción (desde allí puedes salir de la lista de espera)

# Oferta de la lista de espera
email-subject-offer = Plazas disponibles para ti: { $title }
email-offer = Buenas noticias: se han liberado plazas y están reservadas para ti hasta el { $until }.
email-offer-claim = Confirmar tus plazas
email-offer-after = Si no las confirmas antes, pasarán a la siguiente persona de la lista de espera.
email-subject-offer-expired = Tu oferta ha caducado: { $title }
email-offer-expired = No confirmaste a tiempo las plazas que te ofrecimos, así que han pasado a la siguiente persona de la lista de espera. Sentimos que esta vez no haya podido ser.

# Pago
email-subject-payment-due = Recordatorio de pago: { $title }
email-payment-due = Aún no hemos recibido tu pago de { $amount }. Tus plazas están reservadas hasta el { $until }; después se liberarán.
email-how-to-pay = Cómo pagar
email-subject-hold-expired = Se han liberado tus plazas: { $title }
email-hold-expired = No recibimos tu pago antes del { $until }, así que se han liberado las plazas reservadas para ti. Si ya has pagado, responde a este correo y lo solucionaremos.

# Recordatorios
email-subject-reminder = Recordatorio: { $title } { $when }
email-reminder = Te recordamos que { $title } es { $when }.
email-reminder-code = Tu código de acceso está en la página de tu inscripción:
email-reminder-when = { $count ->
    [0] hoy
    [1] mañana
   *[other] dentro de { $count } días
}

# Cancelada, rechazada
email-subject-cancelled = Cancelada: { $title }
email-cancelled = Tu inscripción se ha cancelado.
email-cancelled-reason = Tu inscripción se ha cancelado ({ $reason }).
email-paid-refund = Pagaste { $amount }. Nos pondremos en contacto contigo para el reembolso.
email-refund-full = Pagaste { $amount }; se te devolverá íntegramente.
email-refund-part = Pagaste { $amount }; según la política de cancelación del evento se te devolverán { $refund }.
email-refund-none = Pagaste { $amount }. Según la política de cancelación del evento, las cancelaciones tan cercanas al evento no se reembolsan.
email-subject-rejected = Sobre tu inscripción: { $title }
email-rejected = Lo sentimos: no podemos aceptar tu inscripción. No se te ha cobrado nada.
email-rejected-reason = Lo sentimos: no podemos aceptar tu inscripción ({ $reason }). No se te ha cobrado nada.

# Cambios en el evento
email-subject-event-changed = Cambios: { $title }
email-event-changed = Han cambiado los detalles de { $title }. Esto es lo previsto ahora:
email-before = Antes: { $when }
email-changed-cancel = Si ya no puedes venir, cancela en la página de tu inscripción para que otra persona pueda ocupar tus plazas:
email-subject-event-cancelled = Evento cancelado: { $title }
email-event-cancelled = Sentimos comunicarte que { $title } se ha cancelado.

# Mensajes de los organizadores
email-subject-message = { $title }: { $subject }

# Reembolsos
email-subject-refunded = Reembolso: { $title }
email-refunded = Te hemos devuelto { $refund }. Lo que has pagado queda ahora en { $paid }.
email-refund-reason = Motivo: { $reason }

# Para el equipo
email-subject-approval-needed = Por revisar: { $contact } en { $title }
email-approval-needed = { $contact } ({ $email }) se ha inscrito en { $title }, que requiere aprobación.
email-review-link = Revisar la inscripción
refund-reason-seats-gone = Tu pago con tarjeta llegó cuando el plazo para pagar ya había terminado y las plazas se habían asignado a otras personas, así que no hemos podido confirmar tu inscripción.
refund-reason-not-live = Tu pago con tarjeta llegó para una inscripción que ya no está activa.
refund-reason-paid-twice = Esta inscripción ya estaba pagada por completo.
refund-reason-cancelled = Has cancelado tu inscripción.
refund-reason-event-cancelled = El evento se ha cancelado.
email-subject-match-proposed = ¿Puedes acoger a un visitante? { $title }
email-subject-match-offered = Una familia de acogida para { $title }
email-subject-match-confirmed = Tu alojamiento está confirmado: { $title }
email-subject-match-reminder = Recordatorio: responde sobre { $title }
email-subject-match-closed = Alojamiento cerrado: { $title }
email-match-proposed = Nos gustaría alojar a un visitante contigo durante { $title } ({ $when }). Esto es lo que necesitas saber; sus nombres completos y datos de contacto llegarán cuando tú y el visitante hayáis aceptado.
email-match-offered = Una familia de acogida ha aceptado recibirte durante { $title } ({ $when }). Aquí tienes algo sobre ella; sus nombres completos y la dirección llegarán cuando confirmes.
email-match-confirmed = Tu alojamiento para { $title } ({ $when }) está confirmado por ambas partes. Estos son los datos para poneros en contacto.
email-match-reminder = Seguimos esperando tu respuesta sobre un alojamiento durante { $title } ({ $when }).
email-match-closed = Un alojamiento de { $title } ({ $when }) se ha cerrado y el grupo vuelve a estar sin asignar.
email-match-answer-by = Responde antes del { $deadline }.
email-match-answer = Aceptar o rechazar
match-line-visitor = { $name }, edad { $age }, { $gender }
match-line-languages = Idiomas: { $list }
match-line-needs = Necesidades en casa: { $list }
match-line-guardian = Madre, padre o tutor: { $name } ({ $contact })
match-line-country = Procedencia: { $country }
match-line-dates = Estancia: del { $from } al { $to }
match-line-contact = Contacto: { $name }, { $email } { $phone }
match-line-hosts = Anfitriones: { $names }
match-line-household = Hogar: { $adults_text }, { $children_text }
match-line-area = Zona: { $area }
match-line-pets = Mascotas: { $list }
match-line-smoking = Tabaco: { $value }
match-line-home-languages = Idiomas en casa: { $list }
match-line-interests = Intereses: { $list }
match-line-address = Dirección: { $address }
email-subject-match-arrival = { $title } empieza { $in }
email-match-arrival = { $title } ({ $when }) empieza { $in }. Aquí tienes de nuevo los datos de tu alojamiento, para acordar la hora de llegada y la recogida.
match-adults = { $adults ->
    [one] 1 adulto
   *[other] { $adults } adultos
}
match-children = { $children ->
    [0] sin menores
    [one] 1 menor
   *[other] { $children } menores
}
email-subject-match-withdrawn = El alojamiento no puede seguir adelante: { $title }
email-match-withdrawn = Lo sentimos: el alojamiento que propusimos para { $title } ({ $when }) no puede seguir adelante. No tiene que hacer nada; los organizadores se pondrán en contacto para explicar los siguientes pasos.
email-subject-guardian-request = Se necesita su consentimiento: { $visitor } en { $title }
email-guardian-request = { $contact } ha inscrito a { $visitor } en { $title } ({ $when }), una estancia con una familia de acogida. Usted figura como madre, padre o tutor de { $visitor }.
email-guardian-why = Revise el perfil de { $visitor }, dé o niegue cada consentimiento de alojamiento e indique las notas médicas y un contacto de emergencia. Hasta que responda, { $visitor } no puede alojarse con una familia de acogida.
email-guardian-answer = Revisar y responder
email-guardian-not-you = Si usted no es madre, padre o tutor de { $visitor }, no responda; conteste a este correo.
email-copy-guardian = Recibe una copia de este correo como madre, padre o tutor de { $visitor }.
email-copy-minor = Una copia para ti: { $guardian } responde sobre este alojamiento como madre, padre o tutor.
email-pay-card = Importe pendiente: { $amount }. Págalo con tarjeta en la página de tu inscripción antes de que termine la reserva; tu inscripción queda confirmada en cuanto se realiza el pago.
email-pay-card-link = Pagar con tarjeta
email-pay-later = Importe pendiente: { $amount }. Págalo antes de que termine la reserva e indica tu referencia de pago { $reference }, para que sepamos que es tuyo; confirmamos tu inscripción cuando llegue el pago.
email-pay-later-ask = Te diremos dónde pagar; si no tienes noticias nuestras, responde a este correo.
