"""Messages of the contribution pages, French and English.

Messages of the contribution pages (« Proposer une coopération »), French and English;
merged into geocoop.web.i18n.MESSAGES.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "nav.propose": "Proposer une coopération",
        "propose.title": "Proposer une coopération",
        "propose.intro": "Vous connaissez une coopération territoriale absente de la carte ? "
        "Décrivez-la : un modérateur du réseau concerné la vérifiera avant qu'elle "
        "n'apparaisse. Aucun compte n'est nécessaire.",
        "propose.required": "Champ obligatoire",
        "propose.kind": "Type de coopération",
        "propose.kind.help": "PTCE, projet alimentaire territorial, territoire zéro chômeur…",
        "propose.name": "Nom",
        "propose.name.help": "Le nom sous lequel on la connaît sur place.",
        "propose.place": "Où se trouve-t-elle ?",
        "propose.place.help": "Cherchez la commune, ou cliquez sur la carte à l'endroit exact "
        "(l'un ou l'autre suffit).",
        "propose.commune": "Commune (nom ou code INSEE)",
        "propose.search": "Chercher",
        "propose.commune_code": "Code INSEE de la commune",
        "propose.point": "Point choisi sur la carte",
        "propose.point.none": "aucun point choisi",
        "propose.lon": "Longitude",
        "propose.lat": "Latitude",
        "propose.perimeter": "Périmètre d'action (facultatif)",
        "propose.perimeter.help": "Codes des territoires couverts, séparés par des espaces : "
        "communes (35238), EPCI (243500139), départements (35) ; une région s'écrit "
        "region:53.",
        "propose.study": "Pour mieux la connaître (facultatif)",
        "propose.category": "Catégorie",
        "propose.category.help": "Modélisée : elle suit un modèle national (PAT, PTCE, TZCLD). "
        "Non modélisée : une initiative locale originale. Systémique : elle relie "
        "plusieurs coopérations d'un territoire.",
        "propose.model": "Modèle socio-économique",
        "propose.model.help": "Marchande : elle vit de ses ventes. Non marchande : de "
        "subventions et de bénévolat. Hybride : un peu des deux.",
        "propose.stage": "Stade",
        "propose.stage.help": "Émergence : le projet se construit. Opérationnelle : il agit déjà.",
        "propose.stakeholders": "Parties prenantes",
        "propose.stakeholders.help": "Qui coopère ? Séparez par des points-virgules : "
        "commune ; associations ; entreprises…",
        "propose.accompaniment": "Accompagnement",
        "propose.accompaniment.help": "Interne : la coopération s'accompagne elle-même. "
        "Externe : une structure l'aide (DLA, incubateur, CRESS…).",
        "propose.accompanied_by": "Accompagnée par",
        "propose.financing": "Financements",
        "propose.financing.help": "D'où vient l'argent ? Région ; État ; fondations ; ventes…",
        "propose.website": "Site web",
        "propose.contact": "Votre contact (privé)",
        "propose.contact.help": "Courriel ou téléphone, pour que le modérateur puisse vous "
        "répondre. Jamais publié.",
        "propose.honeypot": "Ne remplissez pas ce champ",
        "propose.submit": "Envoyer la proposition",
        "propose.none": "—",
        "propose.fix": "Certains champs sont à corriger.",
        "propose.too_fast": "Formulaire envoyé trop vite : relisez-le puis renvoyez-le.",
        "propose.too_large": "Formulaire trop volumineux.",
        "propose.thanks.title": "Merci !",
        "propose.thanks": "Votre proposition est enregistrée. Elle apparaîtra sur la carte "
        "dès qu'un modérateur l'aura validée.",
        "propose.back": "Retour à la carte",
        "propose.another": "Proposer une autre coopération",
        "propose.map": "Carte : cliquez pour placer la coopération",
        "accompaniment.interne": "Interne",
        "accompaniment.externe": "Externe",
    },
    "en": {
        "nav.propose": "Propose a cooperation",
        "propose.title": "Propose a cooperation",
        "propose.intro": "Do you know a territorial cooperation missing from the map? "
        "Describe it: a moderator of the network concerned will check it before it "
        "appears. No account needed.",
        "propose.required": "Required field",
        "propose.kind": "Kind of cooperation",
        "propose.kind.help": "Territorial economic cooperation hub, food project, zero "
        "long-term unemployment territory…",
        "propose.name": "Name",
        "propose.name.help": "The name it is known by locally.",
        "propose.place": "Where is it?",
        "propose.place.help": "Search the commune, or click the exact place on the map "
        "(either is enough).",
        "propose.commune": "Commune (name or INSEE code)",
        "propose.search": "Search",
        "propose.commune_code": "INSEE code of the commune",
        "propose.point": "Point chosen on the map",
        "propose.point.none": "no point chosen",
        "propose.lon": "Longitude",
        "propose.lat": "Latitude",
        "propose.perimeter": "Area of action (optional)",
        "propose.perimeter.help": "Codes of the territories covered, separated by spaces: "
        "communes (35238), EPCI (243500139), départements (35); a région is written "
        "region:53.",
        "propose.study": "To know it better (optional)",
        "propose.category": "Category",
        "propose.category.help": "Modelled: it follows a national model (PAT, PTCE, TZCLD). "
        "Not modelled: an original local initiative. Systemic: it links several "
        "cooperations of a territory.",
        "propose.model": "Socio-economic model",
        "propose.model.help": "Market: it lives on its sales. Non-market: on grants and "
        "volunteering. Hybrid: some of both.",
        "propose.stage": "Stage",
        "propose.stage.help": "Emerging: the project is being built. Operational: it already acts.",
        "propose.stakeholders": "Stakeholders",
        "propose.stakeholders.help": "Who cooperates? Separate with semicolons: commune; "
        "associations; businesses…",
        "propose.accompaniment": "Support",
        "propose.accompaniment.help": "Internal: the cooperation supports itself. External: "
        "an organisation helps it (DLA, incubator, CRESS…).",
        "propose.accompanied_by": "Supported by",
        "propose.financing": "Funding",
        "propose.financing.help": "Where does the money come from? Region; State; "
        "foundations; sales…",
        "propose.website": "Website",
        "propose.contact": "Your contact (private)",
        "propose.contact.help": "E-mail or phone, so the moderator can answer you. Never "
        "published.",
        "propose.honeypot": "Leave this field empty",
        "propose.submit": "Send the proposal",
        "propose.none": "—",
        "propose.fix": "Some fields need fixing.",
        "propose.too_fast": "Form sent too fast: read it again, then send it.",
        "propose.too_large": "Form too large.",
        "propose.thanks.title": "Thank you!",
        "propose.thanks": "Your proposal is recorded. It will appear on the map once a "
        "moderator has validated it.",
        "propose.back": "Back to the map",
        "propose.another": "Propose another cooperation",
        "propose.map": "Map: click to place the cooperation",
        "accompaniment.interne": "Internal",
        "accompaniment.externe": "External",
    },
}
