"""Messages of the study's pages.

The area selector, named white zones, the funder ranking (merged into geocoop.web.i18n's tables).
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "area.label": "Région ou département",
        "area.all": "Toute la France",
        "area.zoom": "La carte se centre sur le territoire choisi et la liste s'y limite.",
        "chart.area": "Territoires de la zone choisie, classés par population non couverte",
        "white.split_note": (
            "Une zone qui s'étend sur plusieurs départements est découpée par département ; "
            "chaque ligne rappelle la zone entière."
        ),
        "white.part_of": "partie de la zone",
        "nav.funders": "Où accompagner ?",
        "funders.title": "Où accompagner, quoi financer ?",
        "funders.intro": (
            "Les territoires classés selon leurs besoins : habitants en zone blanche, "
            "coopérations en émergence sans structure d'appui à portée, besoins de "
            "financement selon le modèle socio-économique (tableaux de l'étude). Une valeur "
            "inconnue est écrite « inconnu », jamais 0."
        ),
        "funders.level": "Territoires",
        "funders.all_kinds": "Tous les types de coopération",
        "funders.sort": "Classer par",
        "funders.show": "Afficher",
        "funders.sort.white_population": "Habitants en zone blanche",
        "funders.sort.emergence_without_support": "En émergence sans appui à portée",
        "funders.sort.emergence": "En émergence",
        "funders.sort.financing_full": "Besoins de financement complet",
        "funders.caption": "Territoires classés par besoin (le plus fort en premier)",
        "funders.territory": "Territoire",
        "funders.unknown": "inconnu",
        "funders.sources": "Sources, millésimes et règles",
        "funders.financing": "Besoins de financement",
        "funders.no_support": (
            "Aucune structure d'appui chargée : on ne peut pas dire quelles coopérations en "
            "émergence en manquent."
        ),
        "funders.kinds_without_data": "Types sans aucune donnée chargée (non comptés)",
        "funders.why.no_data": "aucune donnée chargée pour ce type",
        "funders.why.no_support": "aucune structure d'appui chargée",
        "funders.why.no_staff": "aucune coopération ne déclare son équipe d'animation",
        "funders.col.white_population": "Habitants en zone blanche (tous types retenus)",
        "funders.col.white_communes": "Communes en zone blanche",
        "funders.col.white_of": "Zone blanche :",
        "funders.col.cooperations": "Coopérations",
        "funders.col.emergence": "En émergence",
        "funders.col.emergence_without_support": "En émergence sans appui à portée",
        "funders.col.stage_unknown": "Stade inconnu",
        "funders.col.financing_full": "Financement complet (non marchandes)",
        "funders.col.financing_hybrid": "Hybridation (hybrides)",
        "funders.col.financing_ess": "Besoins ESS (marchandes)",
        "funders.col.operational_model_unknown": "Opérationnelles, modèle inconnu",
        "funders.col.financing_declared": "Financements déclarés",
        "funders.col.staff_fte": "Animation (ETP)",
        "planner.title": "Où placer les postes de développeurs de coopération ?",
        "planner.intro": (
            "L'étude propose 500 postes de développeurs de coopération. Pour un nombre de "
            "postes et un rayon d'action, le plan place chaque poste là où il atteint le plus "
            "de coopérations en émergence et d'habitants en zone blanche, dans l'ordre du gain."
        ),
        "planner.posts": "Nombre de postes",
        "planner.radius_km": "Rayon d'action (km)",
        "planner.show": "Proposer un plan",
        "planner.caption": "Postes proposés, dans l'ordre du gain marginal",
        "planner.commune": "Commune du poste",
        "planner.gain_emergence": "Coopérations en émergence gagnées",
        "planner.gain_white": "Habitants en zone blanche gagnés",
        "planner.total_emergence": "Cumul émergence",
        "planner.total_white": "Cumul habitants",
        "planner.placed": "Postes placés",
        "planner.on_map": "sur la carte",
        "planner.map": "Carte des postes proposés et de leur rayon d'action",
        "planner.asked": "demandés",
        "planner.stopped": (
            "Au-delà, un poste de plus n'atteindrait ni coopération en émergence ni habitant "
            "en zone blanche : il n'est pas proposé."
        ),
        "planner.weight": "Poids d'une coopération en émergence (habitants)",
        "planner.weight_help": (
            "Choix de geocoop, l'étude ne donne aucun chiffre : par défaut une coopération en "
            "émergence compte pour 5\u202f000 habitants en zone blanche."
        ),
        "planner.quota": "Postes au plus par région (facultatif)",
        "planner.main_map": "voir le plan sur la carte",
        "posts.title": "Postes de développeurs",
        "fiche.posts": "Où placer des postes de développeurs de coopération ici ? (carte)",
        "posts.show": "Afficher le plan sur la carte",
        "posts.submit": "Proposer un plan",
        "posts.scope": "Le plan se limite à la région ou au département choisi ci-dessus.",
        "posts.summary": (
            "{placed} postes placés sur {asked} demandés : {emergence} coopérations en "
            "émergence et {white} habitants en zone blanche atteints."
        ),
        "posts.rank": "Poste n°\u00a0{rank}",
        "posts.gain": "+{emergence} en émergence, +{white} hab. en zone blanche",
        "posts.radius": "Rayon d'action",
        "posts.reached": "Communes atteintes (nouvelles)",
        "posts.fiche": "fiche de la commune",
        "posts.legend": "Poste de développeur et son rayon d'action",
        "posts.loading": "Calcul du plan…",
    },
    "en": {
        "area.label": "Region or département",
        "area.all": "All of France",
        "area.zoom": "The map centres on the chosen territory and the list keeps to it.",
        "chart.area": "Territories of the chosen area, ranked by uncovered population",
        "white.split_note": (
            "A zone spreading over several départements is split by département; each line "
            "recalls the whole zone."
        ),
        "white.part_of": "part of zone",
        "nav.funders": "Where to support?",
        "funders.title": "Where to support, what to fund?",
        "funders.intro": (
            "Territories ranked by need: inhabitants in white zones, cooperations at the "
            "emergence stage with no support structure within reach, financing needs by "
            "socio-economic model (the study's tables). An unknown value reads “unknown”, "
            "never 0."
        ),
        "funders.level": "Territories",
        "funders.all_kinds": "All kinds of cooperation",
        "funders.sort": "Rank by",
        "funders.show": "Show",
        "funders.sort.white_population": "Inhabitants in white zones",
        "funders.sort.emergence_without_support": "Emerging, no support within reach",
        "funders.sort.emergence": "Emerging",
        "funders.sort.financing_full": "Needs of full funding",
        "funders.caption": "Territories ranked by need (greatest first)",
        "funders.territory": "Territory",
        "funders.unknown": "unknown",
        "funders.sources": "Sources, vintages and rules",
        "funders.financing": "Financing needs",
        "funders.no_support": (
            "No support structure is loaded: which emerging cooperations lack one cannot be "
            "told."
        ),
        "funders.kinds_without_data": "Kinds with no data loaded (not counted)",
        "funders.why.no_data": "no data loaded for this kind",
        "funders.why.no_support": "no support structure loaded",
        "funders.why.no_staff": "no cooperation declares its animation staff",
        "funders.col.white_population": "Inhabitants in white zones (all kinds chosen)",
        "funders.col.white_communes": "Communes in white zones",
        "funders.col.white_of": "White zones:",
        "funders.col.cooperations": "Cooperations",
        "funders.col.emergence": "Emerging",
        "funders.col.emergence_without_support": "Emerging, no support within reach",
        "funders.col.stage_unknown": "Stage unknown",
        "funders.col.financing_full": "Full funding (non-market)",
        "funders.col.financing_hybrid": "Mixed resources (hybrid)",
        "funders.col.financing_ess": "Social-economy needs (market)",
        "funders.col.operational_model_unknown": "Operational, model unknown",
        "funders.col.financing_declared": "Financing declared",
        "funders.col.staff_fte": "Animation (FTE)",
        "planner.title": "Where to place cooperation developer posts?",
        "planner.intro": (
            "The study proposes 500 cooperation developer posts. For a number of posts and a "
            "service radius, the plan places each post where it reaches the most cooperations "
            "in emergence and white-zone inhabitants, in order of gain."
        ),
        "planner.posts": "Number of posts",
        "planner.radius_km": "Service radius (km)",
        "planner.show": "Propose a plan",
        "planner.caption": "Proposed posts, in order of marginal gain",
        "planner.commune": "Post's commune",
        "planner.gain_emergence": "Emergence cooperations gained",
        "planner.gain_white": "White-zone inhabitants gained",
        "planner.total_emergence": "Emergence, cumulative",
        "planner.total_white": "Inhabitants, cumulative",
        "planner.placed": "Posts placed",
        "planner.on_map": "on the map",
        "planner.map": "Map of the proposed posts and their service radius",
        "planner.asked": "asked",
        "planner.stopped": (
            "Beyond these, one more post would reach no cooperation in emergence and no "
            "white-zone inhabitant: none is proposed."
        ),
        "planner.weight": "Weight of one cooperation in emergence (inhabitants)",
        "planner.weight_help": (
            "geocoop's choice, the study gives no figure: by default one cooperation in "
            "emergence counts as 5,000 white-zone inhabitants."
        ),
        "planner.quota": "Posts per région at most (optional)",
        "planner.main_map": "see the plan on the map",
        "posts.title": "Developer posts",
        "fiche.posts": "Where to place cooperation developer posts here? (map)",
        "posts.show": "Show the plan on the map",
        "posts.submit": "Propose a plan",
        "posts.scope": "The plan keeps to the région or département chosen above.",
        "posts.summary": (
            "{placed} posts placed of {asked} asked: {emergence} cooperations in emergence "
            "and {white} white-zone inhabitants reached."
        ),
        "posts.rank": "Post no. {rank}",
        "posts.gain": "+{emergence} in emergence, +{white} white-zone inhabitants",
        "posts.radius": "Service radius",
        "posts.reached": "Communes reached (new)",
        "posts.fiche": "commune fiche",
        "posts.legend": "Developer post and its service radius",
        "posts.loading": "Computing the plan…",
    },
}
