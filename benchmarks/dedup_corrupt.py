"""A labelled de-duplication set made by exporting real-shaped works through databases.

Each *work* (an article with its true metadata) is exported by one to four databases, each
writing it the way that database really does: MEDLINE abbreviates journals and page ranges
("123-9") and brackets translated titles; Embase spells initials with points and labels
conference abstracts; PsycINFO leaves HTML entities and online-first years; CINAHL folds
accents (Müller → Mueller), keeps the first page only and adds a trailing period; Scopus writes
"English title [Original title]"; Web of Science shouts in capitals. Random slips are added on
top (a typo, a lost subtitle, a missing DOI or issue, "et al."). Besides duplicates, the set
holds the traps that must *not* be merged: errata (some carrying the article's DOI), retraction
notices, comments and replies, conference abstracts, parts 1 and 2, review updates, the same
guideline title in another year, and many "Editorial"s.

Usage: ``make_labelled_set(n_works, seed)`` → list of :class:`Exported` (record + true work).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from anyascii import anyascii

from sysreview.records import Record


def _items(text: str) -> list[str]:
    """A "|"-separated vocabulary as a list (kept as one string so it reads as prose)."""
    return text.split("|")


INTERVENTIONS = _items(
    "cognitive behavioural therapy|mindfulness-based stress reduction|"
    "supervised exercise training|motivational interviewing|peer support|"
    "internet-delivered self-help|school-based prevention|nurse-led follow-up|"
    "brief alcohol intervention|family therapy|acupuncture|vitamin D supplementation|"
    "text-message reminders|group psychoeducation|yoga|smoking cessation counselling|"
    "collaborative care|problem-solving therapy|parent training|telephone coaching|"
    "behavioural activation|music therapy|case management|early mobilisation|"
    "high-intensity interval training|omega-3 fatty acids|sleep hygiene education|"
    "community health worker visits|virtual reality exposure|dialectical behaviour therapy"
)
CONDITIONS = _items(
    "depression|generalised anxiety disorder|chronic low back pain|type 2 diabetes|insomnia|"
    "post-traumatic stress disorder|obesity|hypertension|alcohol use disorder|dementia|"
    "autism spectrum disorder|asthma|heart failure|schizophrenia|burnout|fibromyalgia|"
    "chronic obstructive pulmonary disease|binge eating disorder|"
    "attention-deficit/hyperactivity disorder|postnatal depression|panic disorder|"
    "multiple sclerosis|rheumatoid arthritis|chronic kidney disease|"
    "borderline personality disorder|social anxiety|stroke|migraine"
)
POPULATIONS = _items(
    "older adults|adolescents|primary care patients|university students|pregnant women|"
    "nursing home residents|veterans|people living with HIV|health care workers|refugees|"
    "low-income families|children aged 6 to 12 years|cancer survivors|rural communities|"
    "ethnic minority groups|shift workers|informal caregivers|"
    "people experiencing homelessness|first-episode patients|women in midlife"
)
DESIGNS = _items(
    "a randomised controlled trial|a systematic review and meta-analysis|"
    "a cluster randomised trial|a prospective cohort study|a qualitative study|a pilot study|"
    "a cross-sectional survey|results of a multicentre trial|a mixed-methods evaluation|"
    "a feasibility study|a stepped-wedge trial|a register-based study|"
    "secondary analysis of a randomised trial"
)
OUTCOMES = _items(
    "quality of life|symptom severity|hospital readmission|medication adherence|"
    "return to work|self-efficacy|health care costs|sleep quality|physical functioning|"
    "suicidal ideation|loneliness|cognitive decline|school attendance|"
    "emergency department use|treatment dropout"
)
PLACES = _items(
    "|| in Germany| in rural China| in the Netherlands| in Brazil| in sub-Saharan Africa|"
    " in Japan| in the United States| in Scandinavia| in Australia| in India| in Iran|"
    " in Canada"
)
TEMPLATES = (
    "{I} for {c} in {p}: {d}",
    "Effect of {i} on {o} in {p} with {c}{pl}",
    "{O} among {p} with {c}{pl}: {d}",
    "Association between {c} and {o} in {p}{pl}",
    "Does {i} improve {o} in {c}? {D}",
    "Long-term {o} after {i} for {c}{pl}: {d}",
    "Predictors of {o} in {p} receiving {i} for {c}",
    "{I} versus usual care for {c} in {p}: {d}",
    "Cost-effectiveness of {i} for {p} with {c}{pl}",
    "Trajectories of {o} in {p} with {c}: {d}",
)
SURNAMES = _items(
    "Smith|Jones|Müller|Schmidt|Schäfer|Meyer|García|Martínez|López|Núñez|Gonçalves|Da Silva|"
    "Rossi|Bianchi|Dubois|Lefèvre|Nowak|Kowalski|Wójcik|Novák|Dvořák|Šimić|Horváth|Nagy|"
    "Andersson|Johansson|Sørensen|Østergaard|Jönsson|Virtanen|Korhonen|van der Berg|de Vries|"
    "Jansen|Bakker|Visser|O'Brien|McCarthy|Murphy|Kelly|Wang|Li|Zhang|Liu|Chen|Yang|Huang|"
    "Zhao|Wu|Zhou|Kim|Lee|Park|Choi|Tanaka|Suzuki|Sato|Yamamoto|Nguyen|Tran|Singh|Kumar|"
    "Patel|Sharma|Gupta|Khan|Ahmed|Hosseini|Mohammadi|Rahimi|Ivanov|Petrov|Smirnova|"
    "Kuznetsov|Popescu|Papadopoulos|Yılmaz|Kaya|Demir|Cohen|Levy|Okafor|Mensah|Abubakar|"
    "Oliveira|Santos|Pereira|Costa|Fernández|Rodríguez|Hernández|Brown|Taylor|Wilson|Davies|"
    "Evans|Thomas|Roberts|Walker|Wright|Thompson|White|Hughes|Edwards|Green|Hall|Wood|Harris|"
    "Clarke|Jackson|Turner|Hill|Moore|Bauer|Wagner|Becker|Hoffmann|Schulz|Koch|Richter|Klein|"
    "Wolf|Schröder|Neumann|Schwarz|Braun"
)
GIVEN = _items(
    "Anna|Johann|Maria|Peter|Sofia|Lukas|Emma|Jonas|Laura|David|Sarah|Michael|Julia|Thomas|"
    "Lena|Daniel|Chloé|Pierre|Zoë|José|Ana|João|Søren|Åsa|Mikko|Wei|Jing|Hui|Min-Jun|Ji-Woo|"
    "Hiroshi|Yuki|Anh|Priya|Rahul|Fatemeh|Ali|Olga|Dmitri|Ioana|Eleni|Ayşe|Mehmet|Noa|"
    "Chinedu|Kwame|Amina|Rosa|Carlos|Elizabeth|James|Robert|Catherine|Mary|Hannah|William"
)
_JOURNAL_LINES = _items(
    "American Journal of Psychiatry=Am J Psychiatry|"
    "British Journal of Psychiatry=Br J Psychiatry|"
    "Journal of Affective Disorders=J Affect Disord|"
    "Journal of Consulting and Clinical Psychology=J Consult Clin Psychol|"
    "Archives of Disease in Childhood=Arch Dis Child|"
    "Journal of Clinical Epidemiology=J Clin Epidemiol|Psychological Medicine=Psychol Med|"
    "Journal of Advanced Nursing=J Adv Nurs|"
    "International Journal of Nursing Studies=Int J Nurs Stud|"
    "Journal of Pediatrics=J Pediatr|European Journal of Cancer=Eur J Cancer|"
    "Annals of Internal Medicine=Ann Intern Med|"
    "Journal of General Internal Medicine=J Gen Intern Med|"
    "Social Science & Medicine=Soc Sci Med|Drug and Alcohol Dependence=Drug Alcohol Depend|"
    "Journal of Psychosomatic Research=J Psychosom Res|"
    "Journal of Child Psychology and Psychiatry=J Child Psychol Psychiatry|"
    "Behaviour Research and Therapy=Behav Res Ther|"
    "Clinical Psychology Review=Clin Psychol Rev|"
    "Journal of Anxiety Disorders=J Anxiety Disord|Depression and Anxiety=Depress Anxiety|"
    "BMC Public Health=BMC Public Health|"
    "Journal of Medical Internet Research=J Med Internet Res|"
    "Patient Education and Counseling=Patient Educ Couns|"
    "Journal of Health Psychology=J Health Psychol|Preventive Medicine=Prev Med|"
    "Medical Education=Med Educ|Deutsches Ärzteblatt International=Dtsch Arztebl Int|"
    "Revista Española de Salud Pública=Rev Esp Salud Publica|"
    "Journal of Sleep Research=J Sleep Res|"
    "International Journal of Geriatric Psychiatry=Int J Geriatr Psychiatry|"
    "Addictive Behaviors=Addict Behav"
)
JOURNALS = [(line.split("=")[0], line.split("=")[1]) for line in _JOURNAL_LINES]
RUSSIAN = (
    ("когнитивно-поведенческой терапии", "физических упражнений", "психообразования"),
    ("депрессии", "бессонницы", "ожирения", "гипертонии", "тревожного расстройства"),
    ("у пожилых людей", "у подростков", "у студентов", "у беременных женщин"),
)
CHINESE = (
    ("针灸", "认知行为疗法", "运动训练", "中药", "正念训练"),
    ("抑郁症", "失眠", "高血压", "糖尿病", "焦虑症"),
)
RUSSIAN_NAMES = (
    ("Иванов", "Ivanov"),
    ("Петров", "Petrov"),
    ("Смирнова", "Smirnova"),
    ("Кузнецов", "Kuznetsov"),
    ("Соколова", "Sokolova"),
    ("Попов", "Popov"),
)
CHINESE_NAMES = (
    ("王伟", "Wang", "Wei"),
    ("李娜", "Li", "Na"),
    ("张敏", "Zhang", "Min"),
    ("刘洋", "Liu", "Yang"),
    ("陈静", "Chen", "Jing"),
    ("杨磊", "Yang", "Lei"),
)
SPELLING = (
    ("randomised", "randomized"),
    ("behaviour", "behavior"),
    ("counselling", "counseling"),
    ("generalised", "generalized"),
    ("mobilisation", "mobilization"),
    ("paediatric", "pediatric"),
)


@dataclass
class Work:
    """The true metadata of one article (or trap), before any database writes it."""

    work_id: str
    title: str
    authors: list[tuple[str, str]]
    year: int
    journal: tuple[str, str]
    volume: str
    issue: str
    first: int
    last: int
    doi: str
    pmid: str
    abstract: str = ""
    kind: str = "article"
    original_title: str = ""
    native_authors: list[str] = field(default_factory=list)
    page_prefix: str = ""
    related_doi: str = ""


@dataclass
class Exported:
    """One exported record, the database that wrote it, and the work it truly is."""

    record_id: str
    database: str
    record: Record
    work_id: str


def _title(rng: random.Random) -> str:
    i, c, p = rng.choice(INTERVENTIONS), rng.choice(CONDITIONS), rng.choice(POPULATIONS)
    o, d, pl = rng.choice(OUTCOMES), rng.choice(DESIGNS), rng.choice(PLACES)
    text = rng.choice(TEMPLATES).format(
        i=i,
        I=i[0].upper() + i[1:],
        c=c,
        p=p,
        o=o,
        O=o[0].upper() + o[1:],
        d=d,
        D=d[0].upper() + d[1:],
        pl=pl,
    )
    return text


def _authors(rng: random.Random) -> list[tuple[str, str]]:
    count = rng.choice((1, 2, 3, 3, 4, 4, 5, 6, 7, 8, 12))
    return [
        (rng.choice(SURNAMES), " ".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 1, 2)))))
        for _ in range(count)
    ]


def _base_work(n: int, rng: random.Random) -> Work:
    year = rng.randint(1995, 2024)
    journal = rng.choice(JOURNALS)
    first = rng.randint(1, 2400)
    work = Work(
        work_id=f"W{n:07d}",
        title=_title(rng),
        authors=_authors(rng),
        year=year,
        journal=journal,
        volume=str(year - 1960 + rng.randint(0, 3)),
        issue=str(rng.randint(1, 12)),
        first=first,
        last=first + rng.randint(3, 16),
        doi=f"10.{rng.randint(1000, 9999)}/{rng.choice('abcdejmpsx')}{rng.randint(10**5, 10**7)}",
        pmid=str(rng.randint(8_000_000, 39_000_000)) if rng.random() < 0.85 else "",
        abstract=f"Background: we studied {rng.choice(OUTCOMES)}. Methods: {rng.choice(DESIGNS)}.",
    )
    if rng.random() < 0.03:
        _make_foreign(work, rng)
    return work


def _make_foreign(work: Work, rng: random.Random) -> None:
    """A Russian or Chinese article: an original-script title and authors, an English one."""
    if rng.random() < 0.5:
        a, b, c = (rng.choice(x) for x in RUSSIAN)
        work.original_title = f"Эффективность {a} при лечении {b} {c}"
        people = [(rng.choice(RUSSIAN_NAMES), rng.choice("АВДЕИКМНОПС")) for _ in work.authors]
        work.native_authors = [f"{native} {initial}." for (native, _), initial in people]
        work.authors = [(latin, anyascii(initial)) for (_, latin), initial in people]
    else:
        a, b = (rng.choice(x) for x in CHINESE)
        work.original_title = f"{a}治疗{b}的疗效观察{rng.randint(2, 300)}例"
        people = [rng.choice(CHINESE_NAMES) for _ in work.authors]
        work.native_authors = [native for native, _, _ in people]
        work.authors = [(surname, given) for _, surname, given in people]


def _trap(kind: str, base: Work, n: int, rng: random.Random) -> Work:
    """A record that shares its title with ``base`` without being it."""
    t = replace(
        base,
        work_id=f"W{n:07d}",
        kind=kind,
        abstract="",
        original_title="",
        native_authors=[],
        doi=f"10.{rng.randint(1000, 9999)}/t{rng.randint(10**5, 10**7)}",
        pmid=str(rng.randint(8_000_000, 39_000_000)),
    )
    page = rng.randint(1, 2400)
    t.first, t.last, t.issue = page, page, str(rng.randint(1, 12))
    if kind == "erratum":
        t.related_doi = base.doi
        t.title = rng.choice(
            ("Erratum: {}", "Correction to: {}", 'Corrigendum to "{}"', "Erratum to: {}")
        ).format(base.title)
        t.year = base.year + rng.choice((0, 0, 1))
    elif kind == "retraction":
        t.title = rng.choice(
            ('Retraction notice to "{}"', "Notice of retraction: {}", "Retraction: {}")
        ).format(base.title)
        t.year = base.year + rng.randint(1, 3)
    elif kind == "comment":
        t.title = rng.choice(("Comment on: {}", "Re: {}", 'Commentary on "{}"')).format(base.title)
        t.authors = _authors(rng)[:2]
    elif kind == "reply":
        t.title = rng.choice(
            ("Reply to comment on: {}", 'Response to comment on "{}"', "Author reply: {}")
        ).format(base.title)
    elif kind == "conference_abstract":
        t.title, t.year, t.issue = base.title, base.year - rng.choice((0, 1)), "Suppl 1"
        t.page_prefix, t.doi = "S", ""
    elif kind == "update":
        t.journal = ("Cochrane Database of Systematic Reviews", "Cochrane Database Syst Rev")
        t.year = base.year + rng.randint(3, 6)
        t.volume, t.page_prefix = str(t.year - 1960), "CD"
        t.first = t.last = base.first = base.last = 10**5 + base.first
        base.journal, base.page_prefix = t.journal, "CD"
        t.doi = base.doi + ".pub2"
    elif kind == "different_year":
        t.year = base.year + 1
        t.volume = str(int(base.volume) + 1)
    return t


def _series(base: Work, n: int, rng: random.Random) -> Work:
    """Turn ``base`` into part 1 of a series and return its part 2."""
    stem = base.title.split(":")[0]
    label = rng.choice((("1", "2"), ("I", "II"), ("one", "two")))
    base.title = f"{stem}. Part {label[0]}: methods and baseline"
    part2 = replace(
        base,
        work_id=f"W{n:07d}",
        kind="part",
        title=f"{stem}. Part {label[1]}: outcomes at twelve months",
        first=base.last + 1,
        last=base.last + 12,
        doi=base.doi + "b",
        pmid=str(int(base.pmid or 1) + 1),
    )
    return part2


def _editorial(
    n: int, editor: list[tuple[str, str]], journal: tuple[str, str], year: int, rng: random.Random
) -> Work:
    page = rng.randint(1, 900)
    return Work(
        work_id=f"W{n:07d}",
        title="Editorial",
        authors=editor,
        year=year,
        journal=journal,
        volume=str(year - 1960),
        issue=str(rng.randint(1, 12)),
        first=page,
        last=page + 1,
        doi=f"10.{rng.randint(1000, 9999)}/ed{rng.randint(10**5, 10**7)}"
        if rng.random() < 0.7
        else "",
        pmid="",
        kind="editorial",
    )


def make_works(n_works: int, rng: random.Random) -> list[Work]:
    """``n_works`` articles plus the traps drawn from them (about one in six more)."""
    works = [_base_work(n, rng) for n in range(n_works)]
    extra: list[Work] = []
    kinds = [
        ("erratum", 0.03),
        ("retraction", 0.005),
        ("comment", 0.01),
        ("reply", 0.01),
        ("conference_abstract", 0.03),
        ("update", 0.01),
        ("different_year", 0.01),
    ]
    for base in list(works):
        for kind, p in kinds:
            if rng.random() < p:
                extra.append(_trap(kind, base, n_works + len(extra), rng))
        if rng.random() < 0.01:
            extra.append(_series(base, n_works + len(extra), rng))
    for _ in range(max(1, n_works // 400)):
        journal, editor, year = rng.choice(JOURNALS), _authors(rng)[:2], rng.randint(2000, 2024)
        for _ in range(rng.randint(2, 6)):
            extra.append(_editorial(n_works + len(extra), editor, journal, year, rng))
    return works + extra


def _initials(given: str, dots: bool) -> str:
    parts = [p[0] for p in given.replace("-", " ").split() if p]
    return "".join(f"{p}." for p in parts) if dots else "".join(parts)


def _fold_accents(text: str) -> str:
    """What an ASCII-only export does to names: Müller → Mueller, García → Garcia."""
    import unicodedata

    for a, b in (
        ("ä", "ae"),
        ("ö", "oe"),
        ("ü", "ue"),
        ("Ä", "Ae"),
        ("Ö", "Oe"),
        ("Ü", "Ue"),
        ("ß", "ss"),
        ("ø", "o"),
        ("Ø", "O"),
        ("ł", "l"),
        ("ı", "i"),
    ):
        text = text.replace(a, b)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _author_list(work: Work, style: str, rng: random.Random) -> list[str]:
    names = []
    for surname, given in work.authors:
        if style == "medline":
            names.append(f"{surname} {_initials(given, False)}")
        elif style == "embase":
            names.append(f"{surname} {_initials(given, True)}")
        elif style == "full":
            names.append(f"{surname}, {given}")
        elif style == "ascii":
            names.append(_fold_accents(f"{surname}, {given}"))
        else:
            names.append(f"{surname}, {_initials(given, True)}")
    if len(names) > 3 and rng.random() < 0.04:
        names = names[:3] + ["et al."]
    return names


def _pages(work: Work, style: str) -> str:
    first, last = f"{work.page_prefix}{work.first}", f"{work.page_prefix}{work.last}"
    if work.first == work.last or style == "first":
        return first
    if style == "medline" and not work.page_prefix:
        a, b = str(work.first), str(work.last)
        i = 0
        while i < len(a) - 1 and i < len(b) and a[i] == b[i] and len(a) == len(b):
            i += 1
        return f"{a}-{b[i:]}"
    return f"{first}-{last}"


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 10:
        return text
    i = rng.randint(1, len(text) - 2)
    op = rng.random()
    if op < 0.4:
        return text[:i] + text[i + 1 :]
    if op < 0.7:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice("aeinorst") + text[i:]


def _spelling(text: str, american: bool) -> str:
    for uk, us in SPELLING:
        text = text.replace(uk, us) if american else text.replace(us, uk)
    return text


PUBLICATION_TYPES = {
    "medline": {
        "article": "Journal Article",
        "erratum": "Published Erratum",
        "retraction": "Retraction of Publication",
        "comment": "Comment",
        "reply": "Comment",
        "editorial": "Editorial",
    },
    "embase": {
        "article": "Article",
        "erratum": "Erratum",
        "retraction": "Note",
        "comment": "Letter",
        "reply": "Letter",
        "conference_abstract": "Conference Abstract",
        "editorial": "Editorial",
    },
    "wos": {
        "article": "Article",
        "erratum": "Correction",
        "comment": "Letter",
        "reply": "Letter",
        "conference_abstract": "Meeting Abstract",
        "editorial": "Editorial Material",
    },
}


def export(work: Work, database: str, rng: random.Random) -> Record:
    """``work`` as ``database`` writes it, with that database's habits and random slips."""
    title = work.title
    if database == "medline" and work.original_title:
        title = f"[{title}]"
    elif database == "scopus" and work.original_title:
        title = f"{title} [{work.original_title}]"
    elif database == "native":
        title = work.original_title
    if database in ("medline", "cinahl") or rng.random() < 0.05:
        title += "."
    if database == "psycinfo" and rng.random() < 0.5:
        title = title.replace(" and ", " &amp; ").replace(" versus ", " <i>versus</i> ")
    if database == "wos" and rng.random() < 0.3:
        title = title.upper()
    if database in ("psycinfo", "wos") and rng.random() < 0.5:
        title = _spelling(title, american=True)
    if database != "native" and rng.random() < 0.03:
        title = _typo(title, rng)
    if database != "native" and ":" in title and rng.random() < 0.03:
        title = title.split(":")[0]
    style = {
        "medline": "medline",
        "embase": "embase",
        "psycinfo": "full",
        "cinahl": "ascii",
        "scopus": "initials",
        "wos": "initials",
    }.get(database, "full")
    authors = work.native_authors if database == "native" else _author_list(work, style, rng)
    if database == "cinahl" and rng.random() < 0.5:
        authors = [_fold_accents(a) for a in authors]
    full, abbrev = work.journal
    journal = {"medline": abbrev, "wos": full.upper()}.get(database, full)
    doi_rate = {
        "medline": 0.95,
        "embase": 0.9,
        "psycinfo": 0.8,
        "cinahl": 0.6,
        "scopus": 0.95,
        "wos": 0.85,
        "native": 0.2,
    }[database]
    doi = work.doi if work.doi and rng.random() < doi_rate else ""
    if work.related_doi and rng.random() < 0.3:
        doi = work.related_doi
    if doi and rng.random() < 0.15:
        doi = rng.choice(("https://doi.org/", "doi:", "http://dx.doi.org/")) + doi.upper()
    pmid_rate = {"medline": 1.0, "embase": 0.6, "cinahl": 0.5}.get(database, 0.0)
    year = work.year
    if database == "psycinfo" and doi and rng.random() < 0.15:
        year -= 1
    record = Record(
        title=title,
        authors=authors,
        year=year,
        journal=journal,
        journal_abbrev=abbrev if database == "medline" else "",
        volume=work.volume,
        issue="" if rng.random() < 0.06 else work.issue,
        pages=""
        if rng.random() < 0.03
        else _pages(work, {"medline": "medline", "cinahl": "first"}.get(database, "full")),
        doi=doi,
        pmid=work.pmid if rng.random() < pmid_rate else "",
        abstract=work.abstract if rng.random() < 0.8 else "",
        publication_type=PUBLICATION_TYPES.get(database, {}).get(work.kind, ""),
        language="eng" if not work.original_title else "rus/chi",
    )
    if rng.random() < 0.005:
        record.authors = []
    return record


DATABASES = ("medline", "embase", "psycinfo", "cinahl", "scopus", "wos")


def _databases_for(work: Work, rng: random.Random) -> list[str]:
    if work.kind == "conference_abstract":
        return rng.sample(("embase", "wos"), rng.choice((1, 2)))
    count = rng.choices((1, 2, 3, 4), weights=(45, 30, 17, 8))[0]
    if work.kind != "article":
        count = min(count, 2)
    chosen = rng.sample(DATABASES, count)
    if work.original_title and rng.random() < 0.6:
        chosen.append("native")
    return chosen


def make_labelled_set(n_works: int, seed: int = 20240501) -> list[Exported]:
    """Exports of ``n_works`` works (plus traps), shuffled, each labelled with its work."""
    rng = random.Random(seed)
    out: list[Exported] = []
    for work in make_works(n_works, rng):
        for database in _databases_for(work, rng):
            record = export(work, database, rng)
            out.append(Exported(f"R{len(out):07d}", database, record, work.work_id))
            if rng.random() < 0.01:
                copy = Record.from_dict(record.to_dict())
                out.append(Exported(f"R{len(out):07d}", database, copy, work.work_id))
    rng.shuffle(out)
    return out


if __name__ == "__main__":
    for item in make_labelled_set(20, seed=1)[:12]:
        r = item.record
        print(
            item.work_id,
            item.database,
            "|",
            r.title[:70],
            "|",
            "; ".join(r.authors)[:40],
            "|",
            r.year,
            r.journal[:25],
            r.volume,
            r.issue,
            r.pages,
            r.doi,
            r.publication_type,
        )
