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
error-service-fault = Este servicio tiene una avería y por ahora no puede recibir solicitudes: volver a intentarlo no servirá hasta que el ayuntamiento lo haya arreglado. No se ha enviado nada.
city-moved = { $city } se ha trasladado: sus servicios, y sus solicitudes, están ahora en
error-back = Ir a los servicios

follow-write = Escriba al ayuntamiento
follow-write-label = Su mensaje
follow-write-send = Enviar el mensaje
follow-resolved-title = El ayuntamiento indica que su solicitud está resuelta
follow-resolved-lead = Si está de acuerdo, acepte la resolución. Si no, explique al ayuntamiento por qué y la solicitud se reabrirá.
follow-accept = Aceptar la resolución
follow-reject-label = ¿Por qué no está resuelta?
follow-reject = No está resuelta
follow-rate-title = ¿Qué grado de satisfacción tiene?
follow-rate-lead = Valore cómo ha gestionado el ayuntamiento su solicitud, de 1 (muy insatisfecho) a 5 (muy satisfecho).
follow-rate-score = Su valoración
follow-rate-comment = ¿Quiere decirle algo más al ayuntamiento?
follow-rate-send = Enviar la valoración
follow-rated = Ha valorado esta solicitud con { $score } sobre 5. Gracias.
rating-1 = 1 – muy insatisfecho
rating-2 = 2 – insatisfecho
rating-3 = 3 – ni satisfecho ni insatisfecho
rating-4 = 4 – satisfecho
rating-5 = 5 – muy satisfecho
error-invalid = No se ha podido completar la operación: { $reason }

console-title = Consola del ayuntamiento
console-sign-in = Iniciar sesión
console-sign-in-title = Inicie sesión en la consola de { $city }
console-email = Correo electrónico
console-password = Contraseña
console-sign-in-failed = El correo electrónico o la contraseña no son correctos.
console-sign-out = Cerrar sesión
console-signed-in-as = Sesión iniciada como { $role }
console-not-staff = Solo el personal de este ayuntamiento puede usar su consola.
console-queue = Expedientes
console-filter = Filtrar
console-filter-status = Estado
console-filter-any = Todos
console-filter-department = Departamento
console-filter-service = Servicio
console-filter-text = Texto
console-filter-overdue = Solo fuera de plazo
console-filter-apply = Aplicar los filtros
console-total = { $total ->
    [one] { $total } expediente
   *[other] { $total } expedientes
}
console-none = Ningún expediente coincide.
console-overdue = Fuera de plazo
console-page-previous = Página anterior
console-page-next = Página siguiente
console-case-title = Expediente { $id }
console-contact = Contacto
console-no-contact = No hay datos de contacto.
console-department = Departamento
console-assignee = Asignado a
console-unassigned = Nadie
console-history = Historial
console-thread = Conversación
console-internal = Nota interna
console-change-status = Cambiar el estado
console-new-status = Nuevo estado
console-status-note = Nota para la persona solicitante
console-duplicate-of = Duplicado del expediente número
console-change = Cambiar estado
console-reply = Respuesta o nota
console-reply-body = Mensaje
console-reply-internal = Nota interna (la persona solicitante no la ve)
console-reply-send = Enviar
console-assign = Asignar
console-assign-to = Número de empleado
console-assign-send = Asignar
console-back = Volver a los expedientes
console-rating = La valoración de la persona solicitante

market-title = Mercado de servicios
market-lead = Servicios publicados por otros ayuntamientos. Instale uno y la ciudadanía podrá usarlo de inmediato.
market-search-label = Buscar en el mercado de servicios
market-search = Buscar
market-none = Ningún servicio coincide.
market-more = Más servicios
market-no-registry = Este servidor no tiene configurado ningún registro compartido.
market-installed = Instalado: versión { $version }
market-publisher = Publicado por { $publisher } ({ $city })
market-key = Huella digital de la clave de firma
market-cities = Ayuntamientos que lo usan
market-no-cities = Ningún ayuntamiento ha comunicado todavía que lo usa.
market-versions = Versiones
market-version = Versión
market-published = Publicada
market-contract = Contrato
market-yanked = retirada
market-deprecated = obsoleta: { $message }
market-asks = Qué puede hacer
market-asks-nothing = No pide ningún permiso.
market-approve = Autorizo a este servicio a: { $capability }
market-settings = Configuración
market-report = Comunicar al registro que { $city } lo usa (sin datos personales)
market-install = Instalar
market-upgrade = Actualizar a la versión { $version }
market-upgrade-new = La nueva versión también pide:
market-hosts = Direcciones a las que llama
market-hosts-lead = Solo envía peticiones a estas direcciones. Un nombre entre ‹comillas› es un ajuste que rellena abajo: llama a la dirección que escriba allí.
market-approve-hosts = Apruebo sus peticiones a estas direcciones: { $hosts }
market-rollback = Volver a la versión anterior
market-uninstall = Desinstalar
market-not-admin = Solo un administrador del ayuntamiento puede instalar, actualizar o retirar servicios.
market-done = Hecho.
capability-cases = abrir expedientes, leerlos y cambiar su estado
capability-store = guardar sus propios datos (como las reservas)
capability-notify = enviar mensajes a la ciudadanía
capability-config = leer la configuración que le da el ayuntamiento
capability-log = escribir en el registro técnico del ayuntamiento
capability-clock = conocer la fecha y la hora actuales
capability-requester = reconocer quién envía una solicitud (como identificador anónimo)
capability-http = llamar a las aplicaciones del ayuntamiento en las direcciones aprobadas
console-marketplace = Mercado de servicios

account-title = Su cuenta
account-link = Su cuenta
account-register = Crear una cuenta
account-register-lead = Con una cuenta verá todas sus solicitudes en un solo lugar y el ayuntamiento podrá avisarle antes de que venza un plazo.
account-name = Su nombre
account-email = Correo electrónico
account-phone = Número de teléfono (opcional)
account-password = Contraseña (al menos { $min } caracteres)
account-consent = El ayuntamiento puede ponerse en contacto conmigo sin que yo lo pida, por ejemplo para avisarme antes de que caduque un documento.
account-registered = Si esta dirección puede usarse, le hemos enviado un código. Inicie sesión e introduzca el código para confirmarla.
account-sign-in = Iniciar sesión
account-sign-in-lead = Inicie sesión para ver sus solicitudes.
account-sign-in-failed = El correo electrónico o la contraseña no son correctos.
account-sign-out = Cerrar sesión
account-verified = confirmado
account-not-verified = aún no confirmado
account-verify = Confirme sus datos de contacto
account-verify-channel = ¿Qué está confirmando?
account-code = El código que le hemos enviado
account-verify-send = Confirmar
account-resend = Volver a enviar los códigos
account-requests = Sus solicitudes
account-no-requests = Todavía no ha enviado ninguna solicitud.
account-requests-older = Solicitudes anteriores
account-export = Descargar sus datos
account-export-lead = Todo lo que el ayuntamiento guarda sobre usted, en un archivo.
account-erase = Eliminar su cuenta
account-erase-lead = Se eliminan su cuenta y sus datos de contacto, y los servicios del ayuntamiento olvidan sus datos. Sus solicitudes se conservan, sin su nombre.
account-erase-confirm = Lo entiendo: eliminar mi cuenta
account-erased = Su cuenta se ha eliminado.
account-erased-services = Estos servicios han olvidado sus datos: { $services }
account-erased-pending = Estos servicios le olvidarán en cuanto puedan: { $services }

org-title = Organizaciones
org-lead = Una empresa o una asociación en cuyo nombre actúa: todas las personas que la representan comparten sus solicitudes.
org-none = No actúa en nombre de ninguna organización.
org-create = Registrar una organización
org-name = Nombre de la organización
org-kind = ¿Qué tipo de organización es?
org-business = Una empresa
org-association = Una asociación
org-owner = titular
org-representatives = Representantes
org-add = Invitar a un representante
org-add-email = Su dirección de correo electrónico (la que confirmó en su cuenta aquí)
org-add-send = Invitar
org-invited = Invitación enviada. Quien haya confirmado esta dirección en su cuenta aquí la encontrará en la página de su cuenta; pasa a ser representante cuando la acepta.
org-pending = Invitados, a la espera de respuesta
account-invitations = Invitaciones
account-invitation = { $name } le invita a actuar en su nombre.
invitation-accept = Aceptar
invitation-decline = Rechazar
org-requests = Solicitudes hechas en nombre de { $name }
org-no-requests = Todavía no se ha hecho ninguna solicitud en nombre de esta organización.
org-export = Descargar los datos de la organización
org-erase = Eliminar la organización
org-erase-lead = Se eliminan la organización, sus representantes y los datos de contacto de sus solicitudes. Las solicitudes se conservan, sin esos datos.
org-erase-confirm = Lo entiendo: eliminar la organización
org-erased = La organización se ha eliminado.
org-on-behalf = En nombre de
org-myself = A título personal

admin-title = Administración del ayuntamiento
admin-faults-title = Servicios con una avería
admin-faults-lead = Estos servicios fallan cuando se les llama: a los ciudadanos se les dice que el servicio tiene una avería. Vuelve a la versión anterior o actualízalos en el catálogo, o pide una corrección a quien los publica.
admin-fault-seen = ha fallado { $count } veces, del { $since } al { $last }
admin-only = Solo un administrador del ayuntamiento puede cambiar esto.
admin-settings = Configuración
admin-reopen-days = Días de que dispone la persona solicitante para rechazar una resolución
admin-messages-per-day = Número máximo de mensajes que los servicios del ayuntamiento pueden enviar en un día
admin-public-location = Mostrar la ubicación de las solicitudes públicas
admin-save = Guardar
admin-departments = Departamentos
admin-department-code = Código (letras, dígitos y guiones)
admin-department-name = Nombre
admin-department-add = Añadir el departamento
admin-routes = Asignación de expedientes
admin-routes-lead = Los expedientes de un servicio (y de una de sus categorías) se asignan a un departamento.
admin-route-service = Servicio
admin-route-category = Categoría (vacía: todas las categorías)
admin-route-department = Departamento
admin-route-set = Establecer la asignación
admin-staff = Personal
admin-staff-role = Rol
admin-staff-admin = Administrador
admin-staff-staff = Empleado
admin-staff-add = Añadir a la persona
admin-keys = Claves de API
admin-keys-lead = Una clave permite que una aplicación (como una app Open311) presente solicitudes al ayuntamiento.
admin-key-label = Para qué sirve la clave
admin-key-issue = Emitir una clave
admin-key-issued = La nueva clave (solo se muestra esta vez: cópiela ahora)
admin-key-id = Identificador de la clave
admin-key-revoke = Revocar la clave
admin-audit = Registro de auditoría
admin-audit-when = Cuándo
admin-audit-who = Quién
admin-audit-what = Qué
admin-audit-object = Sobre
admin-audit-older = Entradas anteriores
admin-saved = Guardado.
console-administration = Administración
operator-title = Consola del operador
operator-sign-in = Iniciar sesión como operador
operator-cities = Ayuntamientos
operator-city-slug = Dirección (slug: letras minúsculas, dígitos y guiones)
operator-city-name = Nombre del ayuntamiento
operator-admin-name = Nombre de su primer administrador
operator-admin-email = Correo electrónico de esa persona
operator-admin-password = Contraseña de esa persona (al menos { $min } caracteres)
operator-create = Crear el ayuntamiento
operator-health = Estado de la plataforma
operator-health-cities = Ayuntamientos
operator-health-installs = Servicios instalados
operator-health-database = Base de datos
operator-health-registry = Registro compartido
operator-none = ninguno

form-photos = Adjuntar fotos
form-photos-help = Hasta 3 imágenes (JPEG, PNG o WebP, de 5 MB como máximo cada una). El ayuntamiento elimina los datos de la cámara, como el lugar donde se tomó la foto.
request-photos = Fotografías
request-photo = Foto { $n }

form-map = Mapa: elija dónde está
form-map-help = Toque o haga clic en el mapa para colocar el marcador, o bien
admin-map-tiles = Teselas del mapa (plantilla de URL con {"{"}z{"}"}, {"{"}x{"}"} e {"{"}y{"}"}; vacío: sin mapa)
admin-map-zoom = Nivel de zoom del mapa (de 1 a 19)

home-title = Elija su ciudad
home-lead = Cada ayuntamiento ofrece aquí sus propios servicios.
cities-more = Más ciudades
prefs-title = Cómo le contacta el ayuntamiento
prefs-language = Idioma de los mensajes
prefs-channel = Enviar los mensajes por
prefs-channel-email = correo electrónico
prefs-channel-sms = mensaje de texto
prefs-consent = El ayuntamiento puede contactarme antes de que yo lo pida, por ejemplo para recordarme que un documento caduca.
prefs-save = Guardar las preferencias

mail-unsubscribe = Para no recibir más mensajes como este, abra
unsubscribe-title = Dejar de recibir mensajes como este
unsubscribe-lead = El ayuntamiento no le enviará más mensajes que usted no haya pedido. Los mensajes sobre sus propias solicitudes le seguirán llegando.
unsubscribe-confirm = Dejar de recibir estos mensajes
unsubscribe-done = Hecho: no recibirá más mensajes como este.

survey-subject = ¿Qué tal fue su solicitud { $id }?
survey-body = Su solicitud { $id } ({ $title }) se ha resuelto. ¿Qué grado de satisfacción tiene? Abra el enlace de su respuesta:
survey-title = ¿Qué grado de satisfacción tiene?
survey-lead = Su respuesta ayuda al ayuntamiento a mejorar este servicio.
survey-thanks = Gracias: su valoración ha quedado registrada.

eval-title = Cómo funcionan los servicios
eval-lead = Solicitudes presentadas en los últimos 90 días: cuántas, con qué rapidez y con qué satisfacción.
eval-service = Servicio
eval-volume = Solicitudes
eval-first-response = Primera respuesta (mediana)
eval-resolve = Resueltas en (mediana / 90%)
eval-sla = A tiempo
eval-reopen = Reabiertas
eval-satisfaction = Satisfacción
eval-messages = Mensajes enviados / fallidos / detenidos
eval-articles = Artículos leídos / útiles / avisos evitados
eval-distribution = Valoraciones de { $service }: { $counts }
eval-none = Ninguna solicitud en este periodo.
eval-csv = Descargar en CSV
console-evaluation = Evaluación

market-evidence = Cómo funcionó en los ayuntamientos que lo probaron
market-no-evidence = Ningún ayuntamiento ha publicado aún sus cifras.
market-publish-evidence = Publicar nuestras cifras (agregadas, sin datos personales)
market-city = Ayuntamiento

check-no-such-field = este servicio no tiene ese campo
check-required = { $label }: es obligatorio
check-one-value = admite un solo valor
check-too-long = supera los { $max } caracteres
check-not-number = «{ $value }» no es un número
check-not-date = «{ $value }» no es una fecha (AAAA-MM-DD)
check-not-choice = «{ $value }» no está entre: { $choices }
check-twice = repite un valor
check-location-required = hace falta un lugar (coordenadas o una dirección)
check-coordinates-range = la latitud va de -90 a 90 y la longitud de -180 a 180
check-coordinates-pair = indique la latitud y la longitud, o ninguna de las dos
check-contact-required = hacen falta sus datos de contacto (un correo electrónico o un teléfono)
check-email = esto no es una dirección de correo electrónico
check-phone = esto no es un número de teléfono (use la forma internacional, por ejemplo +34 91 123 45 67)

admin-quiet-start = Sin mensajes no solicitados desde las (hora, de 0 a 23)
admin-quiet-end = hasta las (hora)
admin-time-zone = Zona horaria
admin-time-zone-help = Las páginas, los correos y las horas de silencio siguen su reloj, horario de verano incluido: un nombre como Europe/Madrid.

account-inbox = Sus mensajes
account-inbox-empty = Aún no hay mensajes. Los mensajes llegan aquí cuando haya confirmado su correo electrónico o su teléfono.

digest-subject = Novedades donde sigue: { $count }
digest-lead = Desde su última actualización:

follow-this = Seguir esta solicitud
follows-title = Lo que sigue
follows-none = Aún no sigue nada. En la página de una solicitud pública, elija «Seguir esta solicitud».
follows-area = A menos de { $radius } m de { $at }
follows-stop = Dejar de seguir
market-job-gone = Esta página ya no existe: el trabajo no se conoce (terminó hace más de una hora, o el servidor se reinició). El catálogo muestra lo instalado.
market-job-running = Compilando el servicio: { $seconds } s hasta ahora. Un componente grande (Python, JavaScript) tarda hasta un minuto; mientras tanto sirve la versión anterior.
market-job-done = Hecho en { $seconds } s.
market-job-failed = Rechazado; nada ha cambiado:

## Pages, round two: who is signed in, what an action did, the console's words
signed-in-as = Sesión iniciada como { $name }
form-error-coordinates = La latitud y la longitud son números decimales, como 45,4642
error-choose-rating = Elija una valoración de 1 a 5
error-not-a-number = «{ $value }» no es un número
admin-no-such-key = Aquí no hay ninguna clave «{ $key }»
done-reply = Su respuesta se ha enviado.
done-note = Su nota interna se ha guardado.
done-status = El estado ha cambiado.
done-assigned = El caso se ha asignado.
done-message = Su mensaje se ha enviado al ayuntamiento.
done-accepted = Gracias: la solicitud está cerrada.
done-rejected = La solicitud se ha reabierto: el ayuntamiento la revisará de nuevo.
done-rated = Gracias por su valoración.
done-installed = El servicio se ha instalado.
done-upgraded = El servicio se ha actualizado.
done-rolled-back = Ha vuelto la versión anterior.
done-uninstalled = El servicio se ha desinstalado.
done-evidence = Las cifras se han publicado en el registro.
done-saved = Sus cambios se han guardado.
done-verified = Su contacto está confirmado.
done-codes-sent = Se han enviado códigos nuevos.
done-unfollowed = Ya no lo sigue.
done-followed = Ahora sigue esta solicitud.
done-joined = Ahora representa a esta organización.
done-declined = La invitación se ha rechazado.
age-minutes = { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
}
age-hours = { $count ->
    [one] { $count } hora
   *[other] { $count } horas
}
age-days = { $count ->
    [one] { $count } día
   *[other] { $count } días
}
console-by-citizen = el ciudadano
console-by-city = el ayuntamiento
console-by-system = Carmen
console-case = Caso
console-age = Antigüedad
console-pages = Páginas
console-choose-status = Elija un estado
market-uninstall-lead = Los ciudadanos ya no podrán usar el servicio; sus casos siguen en la cola y sus datos se conservan hasta que los borre.
market-uninstall-confirm = Sí, desinstalar { $name }

## Dates, on the city's clock
date-long = { $day } de { $month } de { $year }
moment = { $date }, a las { $time }
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre

## Messages Carmen itself sends
mail-code-subject = Su código de verificación
mail-code-body = Su código es { $code }. Introdúzcalo para confirmar que este contacto es suyo; caduca en 30 minutos.
mail-taken-subject = Alguien intentó registrarse con su dirección de correo
mail-taken-body = Alguien intentó crear una cuenta con esta dirección de correo, que ya tiene una. Si fue usted, inicie sesión. Si no, no tiene que hacer nada.
mail-reply-subject = Respuesta a su solicitud { $id }: { $title }
mail-overdue-subject = Con retraso: caso { $id } ({ $title })
mail-overdue-body = El caso { $id } de { $service } ({ $department }) vencía el { $due } y sigue «{ $status }».
mail-fault-subject = El servicio { $service } tiene una avería
mail-fault-body = Desde el { $when }, { $service } { $version } falla cuando se le llama: { $message } A los ciudadanos se les dice que el servicio tiene una avería y que volver a intentarlo no servirá. Vuelve a la versión anterior, actualízalo o pide una corrección a quien lo publica; la página de administración muestra la avería y cuántas veces se repite. Recibes este aviso una sola vez por versión.

## A city's own face
admin-colour = El color del ayuntamiento
admin-colour-help = Lo toman la cabecera y los botones, con texto blanco encima: un color oscuro, escrito como #1d4f91.
admin-crest = El escudo del ayuntamiento
admin-crest-of = El escudo de { $city }
admin-crest-file = Una imagen del escudo
admin-crest-help = Una imagen PNG, JPEG o WebP; se muestra con 256 píxeles de ancho como máximo, en el portal, la consola y los mensajes.
admin-crest-save = Usar este escudo
admin-crest-missing = Elija una imagen del escudo para subirla.
meta-city = Comunique un problema a { $city }, pida un servicio y siga lo que pasa, en línea a cualquier hora.
meta-host = Servicios al ciudadano de los ayuntamientos alojados aquí: comunique un problema, pida un servicio, sígalo en línea.

## Pictures where people would rather look
form-use-location = Usar mi ubicación
form-locating = Buscando dónde está…
form-locate-failed = No se pudo encontrar su ubicación: ponga el marcador en el mapa o escriba la dirección.
public-map = Mapa de las solicitudes públicas

## The evaluation over a period
eval-period = Solicitudes del { $from } al { $to }: cuántas, qué rapidez, qué satisfacción.
eval-period-wrong = No se pudo leer ese periodo: se muestran los últimos 90 días. Elija un primer día anterior al último.
eval-period-choose = El periodo
eval-from = Desde
eval-to = Hasta
eval-show = Mostrar
eval-trend = A lo largo del tiempo
eval-trend-lead = Solicitudes cada { $days } días, por servicio.
eval-trend-of = Solicitudes de { $service } a lo largo del tiempo: { $points }

## The marketplace in people's words
market-package = Paquete
market-publisher-label = Editor
market-yes = Sí
market-no = No
market-rollback-to = Volver a la versión { $version }
form-coordinates = Escribir las coordenadas
account-password-short = Elija una contraseña de al menos { $min } caracteres.
account-password-long = Esa contraseña es demasiado larga: elija una de como máximo { $max } caracteres.
account-code-wrong = Ese código no es correcto o ya no es válido: compruébelo o pida uno nuevo.
error-back-to-form = Volver al formulario
done-city = Se ha creado el ayuntamiento; su primer administrador ya puede entrar en la consola.

# The knowledge base on the portal.
help-answers = Respuestas
help-known = Este problema ya se conoce y se está resolviendo: no hace falta avisar.
help-known-short = Conocido: no hace falta avisar
help-before = Antes de avisar
help-updated = Actualizado el { $date }
help-services = Servicios relacionados
help-missing = Este artículo aún no tiene texto.
console-saved-replies = Respuesta guardada
console-reply-language = En
console-insert = Insertar
console-suggested-articles = Artículos sobre esto
console-insert-link = insertar su enlace
help-helpful = Esto ha respondido a mi pregunta
help-thanks = Gracias: ayuda al ayuntamiento a saber qué escribir.

# The knowledge base in the console.
console-knowledge = Base de conocimiento
kb-title = Base de conocimiento
kb-new = Nuevo artículo
kb-none = Aún no hay artículos.
kb-article = Artículo
kb-status = Estado
kb-languages = Idiomas
kb-updated = Actualizado
kb-replies = Respuestas guardadas
kb-reply-name = Nombre de la respuesta
kb-language = Idioma
kb-reply-text = Texto
kb-reply-hint = Se rellenan con el caso al insertarla: {"{"}reference{"}"}, {"{"}address{"}"}, {"{"}due{"}"}.
kb-save-reply = Guardar la respuesta
kb-other-languages = Idiomas:
kb-see-public = Verlo como la ciudadanía
kb-article-title = Título
kb-body = Texto
kb-body-hint = Markdown: líneas en blanco entre párrafos, **negrita**, *cursiva*, listas con -, [enlaces](https://…).
kb-known-issue = Es un problema conocido: no hace falta avisar
kb-until = Un aviso: se muestra hasta (opcional)
kb-services = Los servicios de los que trata
kb-save = Guardar
kb-draft = Borrador
kb-published = Publicado
help-suggest = ¿Se refiere a esto?
