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
