# Páginas públicas: estructura
skip-to-content = Saltar al contenido
nav-main = Principal
nav-events = Eventos
nav-calendar-feed = Calendario suscribible
footer-registrations-by = Inscripciones con Twinning
footer-staff-sign-in = Acceso del equipo
language-switch = Idioma

# Página de inicio
home-title = Próximos eventos e intercambios
home-partner-title = Eventos con { $partner }, { $country }
home-show-all = Ver todos los eventos
home-about-partnership = Sobre nuestro hermanamiento con { $partner }
home-partner-city = Ciudad hermana
home-all-partner-cities = Todas las ciudades hermanas
home-show = Mostrar
home-empty = No hay eventos próximos por ahora. Suscríbete al <a href="/events.ics">calendario</a> para enterarte de los nuevos.

# Eventos: tarjetas y página del evento
kind-event = Evento
kind-exchange = Intercambio
with-partner = con
price-free = Gratis
seats-full = Completo: lista de espera abierta
seats-left = { $count ->
    [one] Queda 1 plaza
   *[other] Quedan { $count } plazas
}
event-cancelled = Este evento se ha cancelado.
fact-when = Cuándo
fact-where = Dónde
fact-price = Precio
fact-seats = Plazas
fact-cancellation = Cancelación
fact-limits = Límites
policy-full-then-part = Reembolso completo hasta el { $until }; después, el { $percent } %.
policy-full-then-none = Reembolso completo hasta el { $until }; después, sin reembolso.
tickets = Entradas
tickets-caption = Entradas y precios
ticket = Entrada
availability = Disponibilidad
ticket-full = Completo (lista de espera)
ticket-left = Quedan { $count }
ticket-available = Disponible
event-full-waitlist = El evento está completo. Apúntate a la lista de espera y te escribiremos si se libera una plaza.
join-waitlist = Apuntarme a la lista de espera
approval-note = Los organizadores revisan cada solicitud antes de confirmarla.
apply = Solicitar plaza
register = Inscribirme
payment-unavailable = Este evento solo admite el pago con tarjeta, y el pago con tarjeta aún no está disponible. Ponte en contacto con los organizadores para inscribirte.
