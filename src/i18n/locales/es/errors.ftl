# Mensajes junto a los campos del formulario
error-required = es obligatorio
error-empty = no puede estar vacío
error-too-long = debe tener como máximo { $max } caracteres
error-control = no puede contener caracteres de control
error-email = no es una dirección de correo válida
error-phone = debe ser un número de teléfono como +34 925 555 010
error-language = debe ser un código de idioma como en, es o pt-BR
error-participants-min = debe incluir al menos un participante
error-participants-max = puede incluir como máximo { $max } participantes
error-consent = debes aceptarlo para inscribirte
error-choice = debe ser una de estas opciones: { $options }
error-offering = no es una entrada de este evento (elige una de: { $options })
error-not-question = no es una pregunta de este evento
error-no-pay-later = este evento no admite el pago posterior

# Por qué algo no se puede hacer ahora (según el código de error)
conflict-csrf_failed = Este formulario ha caducado. Vuelve atrás, recarga la página y envíalo de nuevo.
conflict-event_cancelled = Este evento se ha cancelado.
conflict-registration_not_open = La inscripción para este evento aún no está abierta.
conflict-registration_closed = La inscripción para este evento está cerrada.
conflict-not_cancellable = Esta inscripción ya no se puede cancelar.
conflict-no_open_offer = Esta inscripción no tiene ninguna oferta abierta de la lista de espera.
conflict-offer_expired = Esta oferta ha caducado.
conflict-not_confirmed = El archivo de calendario está disponible cuando la inscripción está confirmada.
conflict-payment_unavailable = No se ha podido iniciar el pago con tarjeta porque el proveedor de pagos no ha respondido. No hay plazas reservadas a tu nombre; inténtalo de nuevo en unos minutos o elige pagar más tarde si el evento lo permite.
conflict-card_unavailable = Este evento no admite el pago con tarjeta.
conflict-hold_expired = El plazo para pagar esta inscripción ha terminado.
conflict-not_your_turn = Este alojamiento no está esperando tu respuesta.
conflict-match_expired = El plazo para responder ha terminado.
