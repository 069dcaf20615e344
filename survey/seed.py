"""The survey's seed content: the founding talk's survey (2020), this year's copy, demo answers.

The talk (slide 41) announces a short survey "sent by email early June" on
research theme, AI methods and objectives, languages and libraries, tools,
CPU and GPU platforms, remarks and expectations: that is the 2020 edition.
The 2026 edition is a copy of it (keys kept) with two questions added, open
now so that a newcomer has something to answer.
"""

import datetime
import random
from zoneinfo import ZoneInfo

from django.db import transaction

from survey import services
from survey.models import Edition, Question

PARIS = ZoneInfo("Europe/Paris")
FIRST_YEAR = 2020
CURRENT_YEAR = 2026

OTHER = True  # "other, please specify" where the talk's "etc." calls for it
# The talk asks for members' practice *or their expectations*: someone with no
# practice yet answers the methods and objectives questions with this choice.
NONE_YET = "none_yet"

FIRST_EDITION = {
    "year": FIRST_YEAR,
    "title_fr": "Où en êtes-vous ? Votre pratique de l’IA en 2020",
    "title_en": "Where do you stand? Your AI practice in 2020",
    "introduction_fr": (
        "Petit sondage pour connaître vos pratiques de l’IA ou vos attentes ; "
        "vos réponses sont anonymes.\n\n"
        "N’hésitez pas à partager le lien !"
    ),
    "introduction_en": (
        "A short survey on your AI practice or your expectations; your answers are "
        "anonymous.\n\nFeel free to share the link!"
    ),
    "opens_at": datetime.datetime(2020, 6, 2, 9, 0, tzinfo=PARIS),
    "closes_at": datetime.datetime(2020, 7, 1, 0, 0, tzinfo=PARIS),
    "results_visibility": Edition.ResultsVisibility.PUBLIC,
    "show_free_text": True,
}

SECTIONS = [
    ("research", "Votre recherche", "Your research", [
        {
            "key": "research_theme", "kind": "single", "required": True, "allow_other": OTHER,
            "text_fr": "Quel est votre thème de recherche principal ?",
            "text_en": "What is your main research theme?",
            "choices": [
                ("atmosphere", "Atmosphère et météorologie", "Atmosphere and meteorology"),
                ("climate", "Climat et modélisation du climat", "Climate and climate modelling"),
                ("ocean", "Océan", "Ocean"),
                ("cryosphere", "Cryosphère", "Cryosphere"),
                ("land_surface", "Surfaces continentales et hydrologie", "Land surface and hydrology"),
                ("biogeochemistry", "Biogéochimie et écosystèmes", "Biogeochemistry and ecosystems"),
                ("atmospheric_chemistry", "Chimie atmosphérique et qualité de l’air", "Atmospheric chemistry and air quality"),
                ("paleoclimate", "Paléoclimat", "Palaeoclimate"),
                ("remote_sensing", "Télédétection et instrumentation", "Remote sensing and instrumentation"),
                ("planetology", "Planétologie", "Planetary science"),
                ("computing", "Calcul scientifique et données", "Scientific computing and data"),
            ],
        },
    ]),
    ("methods", "Méthodes et objectifs", "Methods and objectives", [
        {
            "key": "ai_methods", "kind": "multiple", "required": True, "allow_other": OTHER,
            "text_fr": "Quelles méthodes d’IA mettez-vous en œuvre ?",
            "text_en": "Which AI methods do you use?",
            "help_fr": "Cochez toutes celles que vous utilisez.",
            "help_en": "Tick all that you use.",
            "choices": [
                ("kmeans", "k-means", "k-means"),
                ("random_forest", "Forêts aléatoires", "Random forests"),
                ("gradient_boosting", "Gradient boosting (XGBoost…)", "Gradient boosting (XGBoost…)"),
                ("svm", "Machines à vecteurs de support (SVM)", "Support vector machines (SVM)"),
                ("gaussian_process", "Processus gaussiens", "Gaussian processes"),
                ("mlp", "Perceptron multicouche (MLP)", "Multilayer perceptron (MLP)"),
                ("cnn", "Réseaux convolutifs (CNN, U-Net)", "Convolutional networks (CNN, U-Net)"),
                ("rnn_lstm", "Réseaux récurrents (RNN, LSTM)", "Recurrent networks (RNN, LSTM)"),
                ("autoencoder", "Auto-encodeurs", "Auto-encoders"),
                ("gan", "Réseaux antagonistes génératifs (GAN)", "Generative adversarial networks (GAN)"),
                ("transformer", "Transformers", "Transformers"),
                ("reinforcement", "Apprentissage par renforcement", "Reinforcement learning"),
                (NONE_YET, "Aucune pour l’instant, j’explore", "None yet, I am exploring"),
            ],
        },
        {
            "key": "ai_objectives", "kind": "multiple", "required": True, "allow_other": OTHER,
            "text_fr": "Pour quels objectifs ?",
            "text_en": "For which objectives?",
            "choices": [
                ("classification", "Classification", "Classification"),
                ("clustering", "Clustering", "Clustering"),
                ("regression", "Régression", "Regression"),
                ("detection", "Détection", "Detection"),
                ("segmentation", "Segmentation", "Segmentation"),
                ("prediction", "Prédiction", "Prediction"),
                ("denoising", "Débruitage", "Denoising"),
                ("dimension_reduction", "Réduction de dimension", "Dimension reduction"),
                ("downscaling", "Descente d’échelle", "Downscaling"),
                ("emulation", "Émulation de modèles physiques", "Emulating physical models"),
                (NONE_YET, "Aucun pour l’instant, j’explore", "None yet, I am exploring"),
            ],
        },
    ]),
    ("software", "Langages et bibliothèques", "Languages and libraries", [
        {
            "key": "languages", "kind": "multiple", "required": True, "allow_other": OTHER,
            "text_fr": "Quels langages de programmation utilisez-vous ?",
            "text_en": "Which programming languages do you use?",
            "choices": [
                ("python", "Python", "Python"),
                ("r", "R", "R"),
                ("julia", "Julia", "Julia"),
                ("matlab", "MATLAB", "MATLAB"),
                ("fortran", "Fortran", "Fortran"),
                ("c_cpp", "C/C++", "C/C++"),
                ("idl", "IDL", "IDL"),
            ],
        },
        {
            "key": "libraries", "kind": "multiple", "required": False, "allow_other": OTHER,
            "text_fr": "Quelles bibliothèques utilisez-vous ?",
            "text_en": "Which libraries do you use?",
            "choices": [
                ("pytorch", "PyTorch", "PyTorch"),
                ("tensorflow", "TensorFlow", "TensorFlow"),
                ("keras", "Keras", "Keras"),
                ("jax", "JAX", "JAX"),
                ("scikit_learn", "scikit-learn", "scikit-learn"),
                ("xarray", "xarray", "xarray"),
                ("pandas", "pandas", "pandas"),
                ("dask", "Dask", "Dask"),
            ],
        },
    ]),
    ("tools", "Outils", "Tools", [
        {
            "key": "tools", "kind": "multiple", "required": False, "allow_other": OTHER,
            "text_fr": "Quels outils utilisez-vous pour développer ?",
            "text_en": "Which tools do you develop with?",
            "choices": [
                ("jupyter", "Jupyter", "Jupyter"),
                ("spyder", "Spyder", "Spyder"),
                ("vim", "Vim", "Vim"),
                ("emacs", "Emacs", "Emacs"),
                ("vscode", "VS Code", "VS Code"),
                ("pycharm", "PyCharm", "PyCharm"),
                ("cloud_notebooks", "Notebooks dans le cloud (Colab…)", "Cloud notebooks (Colab…)"),
                ("git", "Git", "Git"),
            ],
        },
    ]),
    ("platforms", "Plateformes de calcul", "Computing platforms", [
        {
            "key": "platforms", "kind": "multiple", "required": False, "allow_other": OTHER,
            "text_fr": "Sur quelles plateformes de calcul CPU et GPU travaillez-vous ?",
            "text_en": "Which CPU and GPU platforms do you compute on?",
            "choices": [
                ("ciclad", "Ciclad", "Ciclad"),
                ("hal", "HAL (cluster GPU de l’IPSL)", "HAL (the IPSL GPU cluster)"),
                ("jean_zay", "Jean Zay (GENCI)", "Jean Zay (GENCI)"),
                ("aws", "AWS", "AWS"),
                ("google_cloud", "Google Cloud", "Google Cloud"),
                ("lab_server", "Serveur du laboratoire", "Laboratory server"),
                ("laptop", "Ordinateur portable ou de bureau", "Laptop or desktop"),
            ],
        },
    ]),
    ("remarks", "Remarques et attentes", "Remarks and expectations", [
        {
            "key": "remarks", "kind": "text", "required": False,
            "text_fr": "Vos remarques et/ou attentes",
            "text_en": "Your remarks and/or expectations",
            "help_fr": "Formations, conseils, matériel… Ne donnez pas de nom.",
            "help_en": "Training, advice, hardware… Please name no one.",
        },
    ]),
]  # fmt: skip

# Added to the 2026 copy, to follow how experience and GPU access evolve.
NEW_IN_2026 = [
    (
        "research",
        {
            "key": "ml_experience_years",
            "kind": "number",
            "required": False,
            "min_value": 0,
            "max_value": 50,
            "text_fr": "Depuis combien d’années pratiquez-vous l’apprentissage automatique ?",
            "text_en": "For how many years have you practised machine learning?",
            "help_fr": "0 si vous débutez.",
            "help_en": "0 if you are just starting.",
        },
    ),
    (
        "platforms",
        {
            "key": "gpu_access_satisfaction",
            "kind": "scale",
            "required": False,
            "min_value": 1,
            "max_value": 5,
            "min_label_fr": "pas du tout",
            "min_label_en": "not at all",
            "max_label_fr": "tout à fait",
            "max_label_en": "fully",
            "text_fr": "L’accès aux GPU répond-il à vos besoins ?",
            "text_en": "Does your access to GPUs meet your needs?",
        },
    ),
]


def create_first_edition():
    """The talk's survey, built through the services a coordinator's clicks call."""
    edition = Edition.objects.create(**FIRST_EDITION)
    for key, title_fr, title_en, questions in SECTIONS:
        section = services.save_section(
            edition=edition, key=key, title_fr=title_fr, title_en=title_en
        )
        for spec in questions:
            fields = dict(spec)
            choices = [
                {"key": choice_key, "text_fr": fr, "text_en": en}
                for choice_key, fr, en in fields.pop("choices", [])
            ]
            services.save_question(section=section, fields=fields, choices=choices)
    return edition


def create_current_edition(first):
    edition = services.copy_edition(
        source=first,
        year=CURRENT_YEAR,
        opens_at=datetime.datetime(CURRENT_YEAR, 11, 2, 9, 0, tzinfo=PARIS),
        closes_at=datetime.datetime(CURRENT_YEAR + 1, 1, 31, 23, 59, tzinfo=PARIS),
    )
    edition.results_visibility = Edition.ResultsVisibility.MEMBERS
    edition.save(update_fields=["results_visibility"])
    for section_key, spec in NEW_IN_2026:
        services.save_question(section=edition.sections.get(key=section_key), fields=spec)
    return services.publish_edition(edition=edition)


def seed_survey(*, demo=False):
    """Create the 2020 and 2026 editions unless they exist; with ``demo``, demo answers too."""
    with transaction.atomic():
        first = Edition.objects.filter(year=FIRST_YEAR).first() or create_first_edition()
        current = Edition.objects.filter(year=CURRENT_YEAR).first() or create_current_edition(first)
        if demo:
            seed_demo_responses([first, current])
    return first, current


# Demo answers: plausible, reproducible, and marked is_demo.

DEMO_COUNTS = {FIRST_YEAR: 120, CURRENT_YEAR: 180}
DEMO_REMARKS = [
    "Une formation PyTorch sur le cluster serait très utile.",
    "More GPU memory, please: 11 GB is tight for 3D models.",
    "Des exemples de scripts Slurm pour l’entraînement distribué.",
    "A shared catalogue of pre-processed datasets would save us weeks.",
    "Un retour d’expérience sur Jean Zay.",
    "Office hours to review our training pipelines.",
]
# Weights give the demo a recognisable shape: Python and Jupyter dominate, and
# transformers and cloud notebooks grow between the two editions.
FAVOURITES = {
    "python": 0.95,
    "pytorch": 0.6,
    "tensorflow": 0.35,
    "keras": 0.3,
    "scikit_learn": 0.6,
    "xarray": 0.55,
    "jupyter": 0.8,
    "cnn": 0.55,
    "random_forest": 0.4,
    "classification": 0.5,
    "prediction": 0.45,
    "laptop": 0.7,
    "hal": 0.4,
    "jean_zay": 0.3,
}
GROWING = {"transformer": (0.05, 0.4), "cloud_notebooks": (0.1, 0.35), "jax": (0.0, 0.12)}


def demo_answers(questions, year, rng):
    answers = {}
    for question in questions:
        if question.kind in Question.CHOICE_KINDS:
            # Demo respondents all have a practice: "none yet" stays for real answers.
            keys = [choice.key for choice in question.choice_list if choice.key != NONE_YET]
            if question.kind == Question.Kind.SINGLE:
                answers[question.key] = {"choices": [rng.choice(keys)], "other": ""}
                continue
            chosen = []
            for key in keys:
                weight = FAVOURITES.get(key, 0.15)
                if key in GROWING:
                    weight = GROWING[key][0 if year == FIRST_YEAR else 1]
                if rng.random() < weight:
                    chosen.append(key)
            if question.max_choices:
                chosen = chosen[: question.max_choices]
            if not chosen:
                chosen = [rng.choice(keys)]
            other = ""
            if question.allow_other and rng.random() < 0.05:
                other = rng.choice(["Xgboost", "ONNX", "Zarr", "Emacs", "SNAP"])
            answers[question.key] = {"choices": chosen, "other": other}
        elif question.kind == Question.Kind.TEXT:
            if rng.random() < 0.3:
                answers[question.key] = {"text": rng.choice(DEMO_REMARKS)}
        elif question.kind == Question.Kind.SCALE:
            answers[question.key] = {"number": float(rng.choice([2, 3, 3, 4, 4, 4, 5]))}
        elif question.kind == Question.Kind.NUMBER:
            answers[question.key] = {"number": float(min(50, int(rng.expovariate(1 / 4))))}
    return answers


def seed_demo_responses(editions):
    """A few hundred demo responses, once per edition (running again adds none)."""
    created = 0
    for edition in editions:
        if edition.responses.filter(is_demo=True).exists():
            continue
        rng = random.Random(edition.year)  # noqa: S311 - demo content, not security
        questions = services.edition_questions(edition)
        answer_sets = [
            demo_answers(questions, edition.year, rng) for _ in range(DEMO_COUNTS[edition.year])
        ]
        created += len(
            services.store_anonymous_responses(
                edition=edition, answer_sets=answer_sets, is_demo=True
            )
        )
    return created
