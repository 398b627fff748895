# Formulario de inscripción
register-page-title = Inscripción: { $title }
register-heading = Inscripción
join-waitlist-heading = Lista de espera
errors-summary = { $count ->
    [one] Corrige este dato
   *[other] Corrige estos { $count } datos
}
register-contact = Tus datos (persona de contacto)
register-contact-hint = Enviamos la confirmación y cualquier novedad a esta dirección.
register-contact-name = Nombre y apellidos
register-email = Correo electrónico
register-phone = Teléfono
register-phone-hint = (opcional, para los organizadores el día del evento)
register-language = Idioma de los correos
register-participant = Participante { $n }
register-participant-name = Nombre y apellidos
register-ticket = Entrada
register-ticket-full = completo: lista de espera
register-notes = Necesidades alimentarias o de accesibilidad
optional = (opcional)
choose = Elige…
register-remove = Quitar participante { $n }
register-add = Añadir otro participante
register-payment = Pago
register-pay-later = Paga más tarde por transferencia bancaria o en efectivo: te guardamos las plazas y te explicamos cómo pagar en el correo de confirmación. Tu inscripción queda confirmada cuando se registra el pago.
register-pay-later-confirm = Al principio te guardamos las plazas { $minutes } minutos: el correo que te enviamos tiene un enlace que confirma tu dirección y las mantiene hasta que venza el pago.
limits-participants = { $count ->
    [one] Una persona por inscripción.
   *[other] Hasta { $count } personas por inscripción.
}
limits-per-email = { $count ->
    [one] Una inscripción por dirección de correo.
   *[other] Hasta { $count } inscripciones por dirección de correo.
}
register-consent = Consentimiento
register-submit-apply = Enviar solicitud

# Nombres de los campos en el resumen de errores
field-contact-name = Tu nombre
field-contact-email = Tu correo electrónico
field-contact-phone = Tu teléfono
field-contact-language = Idioma
field-consent = Consentimiento
field-participants = Participantes
field-payment = Pago
field-participant-name = Nombre del participante { $n }
field-participant-offering = Entrada del participante { $n }
field-participant-notes = Notas del participante { $n }
field-participant-question = Participante { $n } – { $question }

# Plazo de inscripción
window-opens = La inscripción se abre el { $when }.
window-closed = La inscripción está cerrada.

# Página privada de la inscripción
registration-page-title = Tu inscripción: { $title }
registration-heading = Tu inscripción
seats-held-until = Plazas reservadas hasta el { $when }.
confirm-email-title = Confirma tu dirección de correo
confirm-email-explain = Al confirmar que esta dirección es tuya, tus plazas se mantienen reservadas todo el tiempo que el evento permite mientras pagas.
confirm-email-button = Confirmar mi dirección de correo
confirm-email-pending = Hemos enviado un enlace a { $email }. Confirma tu dirección con él para mantener tus plazas más tiempo; mientras tanto solo se reservan por poco tiempo.
claim-before = Confírmala antes del { $when }.
see-offer = Ver la oferta
keep-private = No compartas la dirección de esta página: cualquiera que la tenga puede ver y cancelar esta inscripción. También la hemos enviado a { $email }.
fact-contact = Contacto
add-to-calendar = Añadir al calendario (.ics)
participants = Participantes
notes = Notas: { $notes }
checkin-code = Código de acceso:
checkin-qr-label = Código QR de acceso de { $name }
checkin-hint = Muestra el código QR en la entrada (en el móvil o impreso) para entrar rápido.
payment = Pago
amount-total = Total
amount-paid = Pagado
amount-due = Pendiente
payments-received = Pagos y reembolsos
payment-date = Fecha
payment-method = Forma de pago
payment-amount = Importe
payment-method-cash = Efectivo
payment-method-transfer = Transferencia bancaria
payment-method-card = Tarjeta
payment-method-other = Otro
payment-refund = Reembolso ({ $method })
cannot-come = ¿No puedes venir?
cancel-registration = Cancelar esta inscripción

# Estados de la inscripción: una etiqueta y una frase
status-confirmed = Confirmada
status-confirmed-text = Estás inscrito. ¡Te esperamos!
status-attended = Asistencia registrada
status-attended-text = Ya has pasado el control de entrada. ¡Disfruta del evento!
status-pending_payment = Pendiente de pago
status-pending_payment-text = Tus plazas están reservadas hasta la hora indicada abajo. En cuanto recibamos tu pago, tu inscripción quedará confirmada.
status-awaiting_approval = En revisión
status-awaiting_approval-text = Los organizadores revisan cada solicitud. Te escribiremos en cuanto decidan.
status-waitlisted = En lista de espera
status-waitlisted-text = El evento está completo. Si se libera una plaza te enviaremos una oferta por correo, por orden de llegada.
status-offered = Plaza ofrecida
status-offered-text = Se ha liberado una plaza para ti. Confírmala antes del plazo indicado abajo.
status-cancelled = Cancelada
status-cancelled-text = Esta inscripción está cancelada.
status-expired = Caducada
status-expired-text = Se acabó el plazo para pagar o confirmar las plazas, así que se han liberado.
status-rejected = No aceptada
status-rejected-text = Los organizadores no han podido aceptar esta solicitud.

# Cancelación
cancel-page-title = Cancelar tu inscripción
cancel-heading = ¿Cancelar tu inscripción?
cancel-explain = Se cancela la inscripción de todas las personas incluidas y las plazas pasan a la siguiente persona de la lista de espera. No se puede deshacer.
cancel-refund-full = Has pagado { $amount }. Si cancelas ahora, se te devuelve íntegramente.
cancel-refund-part = Has pagado { $amount }. Si cancelas ahora, se te devuelven { $refund }: el reembolso completo terminó el { $until }.
cancel-refund-none = Has pagado { $amount }. Si cancelas ahora, no se te devuelve nada: el reembolso completo terminó el { $until }.
cancel-refund-how = Los organizadores hacen el reembolso y te escriben al respecto.
cancel-nothing-paid = No has pagado nada, así que no hay nada que devolver.
cancel-confirm = Sí, cancelar mi inscripción
cancel-keep = No, mantenerla

# Ofertas de la lista de espera
offer-page-title = Una plaza para ti: { $title }
offer-heading = Hay una plaza libre para ti
offer-lead = Confírmala antes del { $when }; después pasará a la siguiente persona de la lista de espera.
offer-total = Total: { $amount }
offer-pay-later = (pago más tarde por transferencia bancaria o en efectivo)
offer-pay-card = (se paga con tarjeta en cuanto la reclames)
offer-claim = { $count ->
    [one] Confirmar mi plaza
   *[other] Confirmar mis plazas
}
offer-closed-heading = Esta oferta ya no está disponible
offer-closed = Ya se confirmó o se acabó el plazo.
see-registration = Ver tu inscripción

# Ciudades hermanas
partner-city = Ciudad hermana
partnership = Ciudad hermana
partnership-since = { $years ->
    [0] Ciudad hermana desde { $year }
    [one] Ciudad hermana desde { $year } (1 año)
   *[other] Ciudad hermana desde { $year } ({ $years } años)
}
languages-spoken = Idiomas: { $languages }
partner-nothing-planned = Por ahora no hay nada previsto con { $partner }.
see-all-events = Ver todos los eventos

# Páginas de error
error-heading-404 = Página no encontrada
error-heading-403 = No permitido
error-heading-409 = Esto no se puede hacer ahora
error-heading-500 = Algo ha fallado
error-heading-other = Hay un problema
error-message-404 = No encontramos esta página. Puede que el enlace esté mal escrito o que la página se haya movido.
error-message-403 = Tu función no te permite abrir esta página.
error-message-405 = Esta dirección no se puede usar así.
error-message-408 = Ha tardado demasiado. Vuelve a intentarlo.
error-message-413 = Lo que has enviado es demasiado grande.
error-message-429 = Demasiados intentos. Espera un minuto y vuelve a intentarlo.
error-message-503 = El sitio está muy ocupado o ha tardado demasiado. Vuelve a intentarlo en un momento; no se ha perdido nada de lo que escribiste.
error-message-4xx = No hemos podido entender la petición. Vuelve atrás e inténtalo de nuevo.
error-message-500 = Algo ha fallado por nuestra parte. Vuelve a intentarlo en un momento; no se ha perdido nada de lo que escribiste.
error-status = Error { $status }.
back-to-events = Volver a los eventos
register-pay-card = Pago con tarjeta: al enviar el formulario pasas a nuestro proveedor de pagos, Stripe, para pagar. Te guardamos las plazas mientras pagas.
register-pay-choose = ¿Cómo quieres pagar?
register-pay-choice-card = Con tarjeta ahora (Stripe)
register-pay-choice-later = Más tarde, por transferencia o en efectivo
pay-card-button = Pagar { $amount } con tarjeta
pay-card-how = Paga con tarjeta antes del { $until } para conservar tus plazas. Pasarás a nuestro proveedor de pagos, Stripe.
payment-processing = Gracias. Estamos confirmando tu pago; esta página lo mostrará en cuanto Stripe nos avise.
payment-start-failed = No se ha podido iniciar el pago con tarjeta porque el proveedor de pagos no ha respondido. Tus plazas siguen reservadas; inténtalo de nuevo en unos minutos.
payment-balance = importe pendiente
host-page-title = Acoge a un visitante
host-heading = Acoge a un visitante
host-edit-heading = Tu hogar
host-intro = Abre tu casa a un visitante de una de nuestras ciudades hermanas. Cuéntanos cómo es tu hogar; revisamos cada solicitud, hacemos una visita y realizamos las comprobaciones necesarias antes de que se aloje contigo una persona menor de 18 años. Puedes cambiar tus datos cuando quieras con el enlace que te damos.
host-status = Solicitud
host-status-applicant = Recibida: nos pondremos en contacto para concertar una visita.
host-status-approved = Aprobada: gracias por acoger.
host-status-review = Cambios recibidos: los revisaremos. Los visitantes menores de 18 años esperan hasta entonces; los adultos pueden seguir alojándose.
host-status-suspended = En pausa: ponte en contacto con nosotros.
host-minors = Visitantes menores de 18 años
host-minors-ok = Posible: todas las personas adultas del hogar tienen una comprobación vigente.
host-minors-not-accepted = No acoges a visitantes menores de 18 años.
host-minors-paused = En pausa hasta que se compruebe a todas las personas adultas (falta: { $names }).
host-applied = Gracias por ofrecerte a acoger. Guarda la dirección de esta página: te permite cambiar tus datos y fechas cuando quieras.
host-saved = Se han guardado los cambios.
host-address = Dirección
host-address-hint = (solo la ven los organizadores, y tu visitante cuando se confirme la estancia)
host-area = Barrio o localidad
host-area-hint = (la ven los visitantes antes de confirmar la estancia)
host-members = Quién vive en tu casa
host-members-hint = Todas las personas, incluida tú y los menores. A las personas adultas se les pedirá una comprobación de antecedentes antes de que se aloje un visitante menor de 18 años.
host-member-name = Persona { $n }: nombre completo
host-member-born = Fecha de nacimiento
host-home = Tu casa
host-beds = Camas de verdad para invitados (sin sofás ni colchones hinchables)
host-bedrooms = Dormitorios para invitados
host-max-parties = Grupos de visitantes a la vez
host-bedroom-floor = Planta del dormitorio (0 = planta baja)
host-room = El dormitorio es
host-room-private = una habitación propia
host-room-shared = compartida con un menor del hogar
host-bathroom = El baño es
host-bathroom-private = propio
host-bathroom-shared = compartido
host-step-free = Se llega al dormitorio y a un baño sin escaleras
host-life = Vida en casa
host-pets = Mascotas
pet-cat = Gato
pet-dog = Perro
pet-bird = Pájaro
pet-rabbit = Conejo
host-pets-other = Otras mascotas (separadas por comas)
host-pets-indoors = Las mascotas viven dentro de casa
host-smoking = Tabaco
host-smoking-none = Nadie fuma
host-smoking-outside = Solo fuera
host-smoking-inside = También dentro
host-diets = Dietas que puedes ofrecer
diet-vegetarian = Vegetariana
diet-vegan = Vegana
diet-halal = Halal
diet-kosher = Kosher
diet-gluten-free = Sin gluten
diet-nut-free = Sin frutos secos
diet-lactose-free = Sin lactosa
host-language = Idioma que se habla en casa { $n }
host-language-level = Nivel
level-1 = Básico
level-2 = Conversación
level-3 = Fluido o nativo
host-interests = Intereses
host-interests-hint = (separados por comas, p. ej. música, fútbol, cocina)
host-available = Cuándo puedes acoger
host-available-from = Primera noche
host-available-to = Última mañana
host-limits = A quién puedes acoger
host-accepts-minors = Visitantes menores de 18 años
host-accepts-couples = Parejas
host-accepts-smokers = Fumadores
host-guest-gender = Invitados
guest-gender-any = Cualquier persona
guest-gender-female = Solo mujeres y chicas
guest-gender-male = Solo hombres y chicos
host-max-nights = Estancia máxima en noches
host-max-nights-hint = (déjalo vacío si no hay límite)
host-submit = Quiero acoger
host-save = Guardar cambios
host-home-title = Acoge a un visitante
host-home-text = Las delegaciones y los estudiantes de nuestras ciudades hermanas se alojan con familias de aquí.
host-home-link = Quiero acoger
visitor-profile = Sobre este visitante
visitor-profile-hint = El intercambio aloja a cada visitante con una familia de acogida: estos datos nos ayudan a encontrar el hogar adecuado. Los datos de salud, alergias y dieta solo se comparten con los organizadores y con la familia que te acoja.
visitor-gender = Género
visitor-gender-female = Femenino
visitor-gender-male = Masculino
visitor-gender-other = Otro o prefiero no decirlo
visitor-language = Idioma que habla { $n }
visitor-diets = Dietas que hay que seguir
visitor-allergy = Alergia { $n }
visitor-allergy-severity = Gravedad
allergy-mild = Leve
allergy-severe = Grave
visitor-smoker = Fuma
visitor-no-stairs = No puede usar escaleras
visitor-guardian = Madre, padre o tutor
visitor-guardian-hint = Obligatorio para visitantes menores de 18 años: enviamos a la madre, el padre o el tutor un enlace para revisar el perfil y dar los consentimientos de alojamiento personalmente.
visitor-guardian-name = Nombre completo de la madre, el padre o el tutor
visitor-consents = La madre, el padre o el tutor acepta un alojamiento
placement-consent-single-adult-household = en un hogar con una sola persona adulta
placement-consent-double-placement = junto con otro visitante en la misma casa
placement-consent-same-sex-parents = con padres o madres de acogida del mismo sexo
match-page-title = Un alojamiento
match-intro-host = Nos gustaría alojar a este visitante contigo. Sus nombres completos y datos de contacto llegarán cuando tú y el visitante hayáis aceptado.
match-intro-visitor = Esta familia ha aceptado acogerte. Sus nombres completos y la dirección llegarán cuando confirmes.
match-state-proposed = Esperando la respuesta de la familia de acogida.
match-state-host-accepted = La familia de acogida ha aceptado; falta la confirmación del visitante.
match-state-confirmed = Confirmado por ambas partes.
match-state-declined = Rechazado. Gracias por avisarnos.
match-state-expired = No llegó respuesta a tiempo; los organizadores se pondrán en contacto.
match-state-cancelled = Cancelado por los organizadores.
match-state-withdrawn = Este alojamiento no puede seguir adelante. Los organizadores se pondrán en contacto.
match-accept = Aceptar
match-decline = Rechazar
match-decline-reason = Motivo (solo lo ven los organizadores)
match-thanks-accepted = Gracias: hemos registrado tu respuesta.
match-thanks-declined = Gracias por avisarnos. Los organizadores buscarán otro alojamiento.
match-thanks-withdrawn = Este alojamiento no puede seguir adelante. Los organizadores se pondrán en contacto para explicar los siguientes pasos.
visitor-display-name = Nombre para mostrar
visitor-display-name-hint = lo ve la familia de acogida antes de confirmar el alojamiento, p. ej. el nombre de pila
host-member-remove = Ya no vive aquí (quitar)
host-minors-review = Los visitantes menores de 18 años esperan hasta que revisemos sus cambios.
guardian-page-title = Consentimiento de la madre, el padre o el tutor
guardian-heading = Consentimiento para { $visitor }
guardian-intro = { $guardian }, usted figura como madre, padre o tutor de { $visitor }. Revise el perfil, responda a cada consentimiento e indique un contacto de emergencia. Hasta que confirme, { $visitor } no puede alojarse con una familia de acogida.
guardian-status = Su respuesta
guardian-status-pending = Aún sin responder
guardian-status-confirmed = Confirmado: gracias
guardian-status-refused = Ha rechazado el alojamiento
guardian-profile = Perfil de { $visitor }
guardian-profile-hint = ¿Hay algún error? Responda a nuestro correo y lo corregiremos.
guardian-consents = Consentimientos de alojamiento
guardian-give = Estoy de acuerdo
guardian-refuse = No estoy de acuerdo
guardian-emergency = Salud y contacto de emergencia
guardian-medical = Notas médicas
guardian-medical-hint = medicamentos, enfermedades, lo que la familia de acogida deba saber (solo lo ven los organizadores y la familia de acogida)
guardian-emergency-name = Contacto de emergencia
guardian-confirm = Confirmar mis respuestas
guardian-refuse-hint = Si no quiere que { $visitor } se aloje con una familia de acogida:
guardian-refuse-all = Rechazo el alojamiento
guardian-saved-confirmed = Gracias: sus respuestas están guardadas. Puede cambiarlas aquí en cualquier momento.
guardian-saved-refused = Su rechazo está guardado: { $visitor } no será alojado. Puede cambiar su respuesta aquí.
guardian-saved-pending = Guardado.
registration-guardians = Consentimiento de la madre, el padre o el tutor
registration-guardian-pending = Hemos enviado a { $guardian } un enlace para dar los consentimientos de { $visitor }; hasta entonces { $visitor } no puede alojarse con una familia de acogida.
registration-guardian-confirmed = { $guardian } ha confirmado los consentimientos de { $visitor }.
registration-guardian-refused = { $guardian } ha rechazado el alojamiento de { $visitor }.
stop-messages-title = Mensajes de { $org } sobre { $event }
stop-messages-explain = El equipo a veces escribe a todas las personas inscritas en el evento: novedades, cambios de planes, qué traer. Puedes dejar de recibir estos mensajes para esta inscripción. Los correos sobre la inscripción en sí (confirmación, pago, un cambio de fecha o lugar, una cancelación) seguirán llegando.
stop-messages-button = Dejar de recibir estos mensajes
stop-messages-stopped = Ya no recibirás mensajes del equipo sobre { $event }. Los correos sobre tu inscripción en sí seguirán llegando.
stop-messages-resume = Volver a recibir los mensajes
pay-later-reference = Paga { $amount } e indica tu referencia de pago { $reference }, para que los organizadores sepan que es tuyo; registran tu pago y entonces tu inscripción queda confirmada.
pay-later-ask = Los organizadores te dirán dónde pagar; si no tienes noticias suyas, responde a su correo.
