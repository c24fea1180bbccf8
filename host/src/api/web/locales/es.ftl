# Las páginas web de Carmen en español. Los ids son exactamente los del catálogo de referencia en inglés.

site-name = Carmen
skip-to-content = Ir al contenido principal
language-switcher = Idioma
powered-by = Servicios a la ciudadanía de { $city }, alojados por Carmen

services-title = Servicios de { $city }
services-lead = ¿En qué podemos ayudarle? Elija un servicio para comunicar un problema o para hacer una solicitud.
services-search-label = Buscar en los servicios
services-search-button = Buscar
services-search-results = Servicios que coinciden con «{ $query }»
services-none = Ningún servicio coincide con su búsqueda.
services-none-installed = Este ayuntamiento aún no ofrece servicios en línea.
services-show-all = Ver todos los servicios
services-public-requests = Ver lo que han comunicado otras personas

form-required = (obligatorio)
form-optional = (opcional)
form-submit = Enviar
form-errors-title = Hay un problema
form-errors-lead = Revise lo que está marcado abajo y vuelva a enviarlo.
form-description = Cuéntenos más
form-description-help = Todo lo que ayude al ayuntamiento a entender la solicitud.
form-location = ¿Dónde está?
form-address = Dirección
form-address-help = Una calle y un número, o un lugar que el ayuntamiento pueda encontrar.
form-latitude = Latitud
form-longitude = Longitud
form-coordinates-help = Si las conoce: grados decimales, por ejemplo 45.4642 y 9.1900.
form-contact = ¿Cómo puede contactarle el ayuntamiento?
form-contact-help = El ayuntamiento solo usa estos datos para esta solicitud. Nunca se muestran en público.
form-name = Nombre
form-email = Correo electrónico
form-phone = Número de teléfono
form-choose = Elija una opción
form-choose-many = Elija todas las opciones que correspondan
form-back = Volver a los servicios
form-public-note = Las solicitudes a este servicio son públicas: cualquier persona puede ver lo que escriba aquí, salvo sus datos de contacto.
form-private-note = Las solicitudes a este servicio son privadas: solo usted y el personal del ayuntamiento pueden verlas.

submitted-title = Su solicitud se ha enviado
submitted-reference = Su número de referencia es
submitted-answer = La respuesta
submitted-follow = Siga su solicitud
submitted-follow-lead = Guarde este enlace: es la única forma de seguir su solicitud sin una cuenta. Cualquier persona que tenga el enlace puede leerla.
submitted-open-link = Abrir mi solicitud
submitted-another = Hacer otra solicitud

request-title = Solicitud { $id }
request-service = Servicio
request-status = Estado
request-filed = Enviada el
request-updated = Última actualización
request-due = Prevista para el
request-where = Dónde
request-details = Detalles
request-timeline = Qué ha pasado
request-messages = Mensajes
request-no-messages = Todavía no hay mensajes.
request-from-city = Del ayuntamiento
request-from-you = De usted
request-public = Esta solicitud es pública.
request-private = Esta solicitud es privada: solo usted y el personal del ayuntamiento pueden verla.
request-duplicate = Esta solicitud es un duplicado de la solicitud { $id }.

timeline-submitted = Enviada
timeline-changed = Estado cambiado a «{ $status }»

status-submitted = Enviada
status-acknowledged = Recibida
status-in-progress = En curso
status-resolved = Resuelta
status-closed = Cerrada
status-rejected = No admitida
status-duplicate = Duplicada

public-title = Lo que otras personas han comunicado en { $city }
public-lead = Solicitudes públicas, de la más reciente a la más antigua. Los datos de contacto y las respuestas privadas nunca se muestran.
public-none = Todavía no se ha comunicado nada públicamente.
public-view = Ver

error-title = Algo ha fallado
error-not-found = Esta página no existe.
error-not-found-city = No hay ningún ayuntamiento en esta dirección web.
error-csrf = Este formulario ha caducado o no procede de este sitio. Vuelva atrás, recargue la página y envíelo de nuevo: no se ha enviado nada.
error-busy = El servicio está ocupado en este momento. Vuelva a intentarlo dentro de un momento: no se ha enviado nada.
error-failed = El servicio no ha podido recibir su solicitud. Vuelva a intentarlo más tarde: no se ha enviado nada.
error-back = Ir a los servicios
