# Les pages web de Carmen en français. Les identifiants sont exactement ceux du catalogue de référence en anglais.

site-name = Carmen
skip-to-content = Aller au contenu principal
language-switcher = Langue
powered-by = Services aux citoyens à { $city }, hébergés par Carmen

services-title = Services en ligne – { $city }
services-lead = Comment pouvons-nous vous aider ? Choisissez un service pour signaler un problème ou pour faire une demande.
services-search-label = Rechercher un service
services-search-button = Rechercher
services-search-results = Services correspondant à « { $query } »
services-none = Aucun service ne correspond à votre recherche.
services-none-installed = Cette ville ne propose encore aucun service en ligne.
services-show-all = Afficher tous les services
services-public-requests = Voir ce que les autres ont signalé

form-required = (obligatoire)
form-optional = (facultatif)
form-submit = Envoyer
form-errors-title = Il y a un problème
form-errors-lead = Vérifiez ce qui est signalé ci-dessous et renvoyez le formulaire.
form-description = Dites-nous-en plus
form-description-help = Tout ce qui aide la ville à comprendre la demande.
form-location = Où est-ce ?
form-address = Adresse
form-address-help = Une rue et un numéro, ou un lieu que la ville peut trouver.
form-latitude = Latitude (en degrés)
form-longitude = Longitude (en degrés)
form-coordinates-help = Si vous les connaissez : degrés décimaux, par exemple 45.4642 et 9.1900.
form-contact = Comment la ville peut-elle vous contacter ?
form-contact-help = La ville utilise ces coordonnées uniquement pour cette demande. Elles ne sont jamais affichées publiquement.
form-name = Nom
form-email = Adresse e-mail
form-phone = Numéro de téléphone
form-choose = Choisissez une option
form-choose-many = Choisissez toutes les réponses qui conviennent
form-back = Retour aux services
form-public-note = Les demandes adressées à ce service sont publiques : tout le monde peut voir ce que vous écrivez ici, sauf vos coordonnées.
form-private-note = Les demandes adressées à ce service sont privées : seuls vous et le personnel de la ville pouvez les voir.

submitted-title = Votre demande a été envoyée
submitted-reference = Votre numéro de référence est
submitted-answer = La réponse
submitted-follow = Suivre votre demande
submitted-follow-lead = Conservez ce lien : c'est le seul moyen de suivre votre demande sans compte. Toute personne qui a le lien peut la lire.
submitted-open-link = Ouvrir ma demande
submitted-another = Faire une autre demande

request-title = Demande { $id }
request-service = Service concerné
request-status = Statut
request-filed = Envoyée le
request-updated = Dernière mise à jour
request-due = Prévue d'ici le
request-where = Où
request-details = Détails
request-timeline = Ce qui s'est passé
request-messages = Échanges
request-no-messages = Aucun message pour l'instant.
request-from-city = De la ville
request-from-you = De vous
request-public = Cette demande est publique.
request-private = Cette demande est privée : seuls vous et le personnel de la ville pouvez la voir.
request-duplicate = Cette demande est un doublon de la demande { $id }.

timeline-submitted = Envoyée
timeline-changed = Statut passé à « { $status } »

status-submitted = Envoyée
status-acknowledged = Reçue
status-in-progress = En cours
status-resolved = Résolue
status-closed = Clôturée
status-rejected = Non retenue
status-duplicate = Doublon

public-title = Ce que les autres ont signalé à { $city }
public-lead = Demandes publiques, des plus récentes aux plus anciennes. Les coordonnées et les réponses privées ne sont jamais affichées.
public-none = Rien n'a encore été signalé publiquement.
public-view = Voir

error-title = Un problème est survenu
error-not-found = Cette page n'existe pas.
error-not-found-city = Il n'y a aucune ville à cette adresse.
error-csrf = Ce formulaire a expiré ou ne provient pas de ce site. Revenez en arrière, rechargez la page et renvoyez le formulaire : rien n'a été envoyé.
error-busy = Le service est très sollicité en ce moment. Réessayez dans un instant : rien n'a été envoyé.
error-failed = Le service n'a pas pu enregistrer votre demande. Réessayez plus tard : rien n'a été envoyé.
error-back = Aller aux services
