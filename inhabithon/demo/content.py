"""The demo's people and texts: the H22 Inhabithon (fictional people, the real
story of seeds 000 and 003) and a current event a newcomer can join at once.

Dates of the current event are offsets from the moment the demo is loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from inhabithon.accounts.models import Role

DEMO_PASSWORD = "inhabithon-demo"  # noqa: S105 - documented, for local demo accounts only


@dataclass(frozen=True)
class DemoUser:
    key: str
    email: str
    name: str
    role: Role = Role.RESIDENT
    locale: str = "sv"


@dataclass(frozen=True)
class DemoIdea:
    key: str
    author: str  # a DemoUser key
    title: str
    summary: str
    body: str
    language: str = "sv"
    anonymous: bool = False
    contact_center: bool = False  # a guide brought it in on a resident's behalf
    team: tuple[str, ...] = ()  # further members, by DemoUser key


@dataclass(frozen=True)
class DemoComment:
    key: str
    idea: str
    author: str
    body: str
    parent: str | None = None
    anonymous: bool = False
    # Under the author's pseudonym in the challenge (the same in all their
    # pseudonymous posts there, another in every other challenge).
    pseudonym: bool = False


@dataclass(frozen=True)
class Timeline:
    """Phase dates: absolute for H22, or offsets from now for the current event."""

    submissions_open_at: dt.datetime | dt.timedelta
    voting_open_at: dt.datetime | dt.timedelta
    jury_review_at: dt.datetime | dt.timedelta
    results_at: dt.datetime | dt.timedelta | None = None


@dataclass(frozen=True)
class DemoChallenge:
    slug: str
    title: str
    category: str
    summary: str
    description: str
    timeline: Timeline
    ideas: tuple[DemoIdea, ...]
    comments: tuple[DemoComment, ...] = ()
    votes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # voter -> idea keys


@dataclass(frozen=True)
class DemoEvent:
    slug: str
    name: str
    place: str
    starts_at: dt.datetime | dt.timedelta
    ends_at: dt.datetime | dt.timedelta
    description: str
    challenges: tuple[DemoChallenge, ...]


def _utc(year: int, month: int, day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


DAY = dt.timedelta(days=1)

STAFF = (
    DemoUser("admin", "admin@example.org", "Alva Lindqvist", Role.ADMIN),
    DemoUser("official", "tjansteman@example.org", "Jonas Ekström", Role.OFFICIAL),
    DemoUser("guide", "guide@example.org", "Samira Haddad", Role.GUIDE),
    DemoUser("jury", "jury@example.org", "Birgitta Nyström", Role.JURY),
)
_RESIDENT_NAMES = (
    "Amina Yusuf", "Leyla Karimi", "Hodan Farah", "Erik Johansson", "Maria Svensson",
    "Ahmad Rahimi", "Nora Lind", "Yusuf Demir", "Sara Andersson", "Mehmet Kaya",
    "Elin Berg", "Daniel Nilsson", "Fatuma Ali", "Olena Kovalenko", "Karin Holm",
)  # fmt: skip
RESIDENTS = tuple(
    DemoUser(f"r{n}", f"invanare{n}@example.org", name)
    for n, name in enumerate(_RESIDENT_NAMES, start=1)
)
USERS = STAFF + RESIDENTS


# --- H22: the weekend at Prismahuset -------------------------------------------

_H22_TIMELINE = Timeline(
    submissions_open_at=_utc(2022, 5, 30, 8),  # H22 City Expo opens
    voting_open_at=_utc(2022, 6, 18, 10),  # Saturday at Prismahuset
    jury_review_at=_utc(2022, 6, 19, 10),  # Sunday morning
    results_at=_utc(2022, 6, 19, 15),  # the winner is announced
)

_TRYGGHET = DemoChallenge(
    slug="h22-invanare-som-inte-vagar-be-om-hjalp",
    title="Hur når vi invånare som inte vågar be om hjälp?",
    category="Trygghet",
    summary=(
        "Många i Helsingborg är rädda för att kontakta myndigheterna, även när de behöver stöd. "
        "Hur sänker vi trösklarna?"
    ),
    description="""\
I Helsingborg finns det många som är rädda att fråga om hjälp. Rädslan kan handla om
språket, om skam eller om vad som händer när man väl har tagit kontakt med socialtjänsten.

Vi söker lösningar som

- bygger **förtroende** mellan invånare och stadens stödpersoner,
- fungerar på invånarnas **egna språk**,
- låter den som vill vara **anonym** tills hen är redo.

Tänk gärna på dem som staden inte når i dag: föräldrar som oroar sig för sina barn,
nyanlända och äldre som lever ensamma.
""",
    timeline=_H22_TIMELINE,
    ideas=(
        DemoIdea(
            key="kontaktcenter",
            author="r1",
            team=("r2", "r3"),
            title="Flerspråkigt kontaktcenter",
            summary=(
                "Stadsdelsmammorna blir en brygga mellan förvaltningen och invånare som inte vågar "
                "ta första steget – på invånarens eget språk, och anonymt om man vill."
            ),
            body="""\
Vi är tre av Stadsdelsmammorna i Helsingborg. Vi möter varje vecka familjer som
behöver stöd men som aldrig skulle ringa socialtjänsten själva.

## Vad?

Ett **flerspråkigt kontaktcenter** som drivs av Stadsdelsmammorna. Vi finns där
invånarna redan är: på öppna förskolan, i föreningslokalen och i telefon. Vi lyssnar,
förklarar hur stödet fungerar och följer med till rätt person när man är redo.

## Varför?

- Många är rädda för myndigheterna och tror att de riskerar att förlora sina barn.
- Information finns, men inte på de språk som talas i stadsdelarna.
- Förtroende byggs av människor man känner igen.

## Hur?

1. Samtal på arabiska, somaliska, tigrinja, dari, bosniska och svenska.
2. Man får vara anonym tills man själv vill ta nästa steg.
3. Fasta kontaktpersoner på socialförvaltningen som vi kan slussa vidare till.
4. Vi följer upp: vågar fler ta kontakt, och känner de sig bemötta?

*Vi jobbar för familjens bästa – i förebyggande syfte.*
""",
        ),
        DemoIdea(
            key="chatt",
            author="r4",
            anonymous=True,
            title="Anonym chatt med socialtjänsten",
            summary=(
                "En chatt där man kan ställa frågor utan att säga vem man "
                "är, med svar inom ett dygn."
            ),
            body="""\
Det är lättare att skriva än att ringa. En **anonym chatt** på stadens webbplats
skulle låta den som är orolig fråga vad som händer om man ber om hjälp – utan att
lämna ut sitt namn. Svaren kommer från socialsekreterare, inom ett dygn.
""",
        ),
        DemoIdea(
            key="trygghetsvandring",
            author="r5",
            title="Trygghetsvandringar med föräldrar",
            summary=(
                "Föräldrar, fältassistenter och polis går tillsammans genom stadsdelen en kväll "
                "i månaden och lär känna varandra."
            ),
            body="""\
När föräldrar och stadens personal har träffats ute i stadsdelen är det lättare att
höra av sig när något känns fel. Vi föreslår **trygghetsvandringar** en kväll i
månaden, med fika efteråt i föreningslokalen.
""",
        ),
        DemoIdea(
            key="sprak",
            author="guide",
            contact_center=True,
            language="ar",
            title="معلومات عن الخدمات الاجتماعية بلغتي",
            summary=(
                "كثير من الأهالي لا يعرفون ما الذي يمكن أن تقدمه الخدمات الاجتماعية. "
                "نقترح لقاءات معلومات باللغة العربية في المكتبات والمدارس."
            ),
            body="""\
كثير من العائلات تخاف من الخدمات الاجتماعية لأنها لا تعرف كيف تعمل.

نقترح **لقاءات معلومات** باللغة العربية في المكتبة والمدرسة، مع موظف من البلدية
ومترجم، حيث يمكن طرح الأسئلة دون ذكر الاسم.
""",
        ),
        DemoIdea(
            key="familjecafe",
            author="r6",
            title="Familjecafé i stadsdelen",
            summary=(
                "Ett öppet café för föräldrar med små barn där en familjebehandlare finns på plats "
                "en eftermiddag i veckan."
            ),
            body="""\
Ett **familjecafé** där man kan komma in utan ärende. En eftermiddag i veckan finns
en familjebehandlare på plats som man kan prata med över en kopp kaffe – utan
journal och utan tidsbokning.
""",
        ),
    ),
    comments=(
        DemoComment(
            "k1",
            "kontaktcenter",
            "r5",
            "Det här hade hjälpt min mamma när vi kom hit. Hon vågade aldrig ringa socialtjänsten.",
        ),
        DemoComment(
            "k2",
            "kontaktcenter",
            "r1",
            "Tack! Precis därför vill vi finnas i stadsdelen och prata på hennes språk.",
            parent="k1",
        ),
        DemoComment(
            "k3",
            "kontaktcenter",
            "official",
            "Hur tänker ni kring sekretessen när ni förmedlar en kontakt till oss?",
        ),
        DemoComment(
            "k4",
            "kontaktcenter",
            "r2",
            (
                "Vi förmedlar bara kontakt när personen själv vill. Fram "
                "till dess får man vara anonym."
            ),
            parent="k3",
        ),
        DemoComment(
            "c1",
            "chatt",
            "r9",
            "Jag hade vågat skriva, men aldrig ringa.",
            anonymous=True,
        ),
        DemoComment(
            "s1",
            "sprak",
            "guide",
            "Förslaget kom in på arabiska via kontaktcentret. Förslagsställaren vill vara anonym.",
        ),
        DemoComment(
            "s2",
            "sprak",
            "r6",
            "Min pappa läser inte svenska. Med information på arabiska hade han sökt hjälp själv.",
            pseudonym=True,
        ),
        DemoComment(
            "t1",
            "trygghetsvandring",
            "r6",
            "Jag vill gärna gå med, men utan att mitt namn syns här.",
            pseudonym=True,
        ),
        DemoComment(
            "f1",
            "familjecafe",
            "r11",
            "Öppna förskolan i Dalhem gör något liknande – det fungerar jättebra!",
        ),
    ),
    votes={
        "r1": ("chatt", "sprak"),
        "r2": ("chatt", "sprak"),
        "r3": ("trygghetsvandring", "sprak"),
        "r4": ("kontaktcenter", "familjecafe"),
        "r5": ("kontaktcenter", "familjecafe"),
        "r6": ("kontaktcenter", "trygghetsvandring"),
        "r7": ("kontaktcenter", "chatt"),
        "r8": ("kontaktcenter", "chatt"),
        "r9": ("kontaktcenter", "trygghetsvandring"),
        "r10": ("kontaktcenter", "trygghetsvandring"),
        "r11": ("kontaktcenter", "sprak"),
        "r12": ("kontaktcenter", "chatt"),
        "r13": ("kontaktcenter", "trygghetsvandring"),
        "r14": ("kontaktcenter", "sprak"),
        "r15": ("chatt", "sprak", "familjecafe"),
    },
)

_ARBETE = DemoChallenge(
    slug="h22-arbete-och-egen-forsorjning",
    title="Arbete och egen försörjning",
    category="Arbete",
    summary="Hur kan fler gå från försörjningsstöd till utbildning, arbete och egen försörjning?",
    description="""\
Vägen från försörjningsstöd till arbete går ofta genom flera insatser samtidigt:
SFI, utbildning, praktik och jobbmatchning. Det behövs **en röd tråd** genom dem.

Hur kan lokala krafter och eldsjälar – människor som själva har gått från
utanförskap till egen försörjning – hjälpa fler att hitta sin väg?
""",
    timeline=_H22_TIMELINE,
    ideas=(
        DemoIdea(
            key="jobbinspiratorer",
            author="r7",
            title="Jobbinspiratörer från grannskapet",
            summary=(
                "Kvinnor som själva har gått från bidrag till arbete blir förebilder och lotsar "
                "för grannar som står långt från arbetsmarknaden."
            ),
            body="""\
Den som själv har gått vägen vet var det tar stopp. **Jobbinspiratörer** rekryteras
bland kvinnor som är kända i området och lotsar grannar till SFI, praktik och jobb –
i samarbete med guiderna på arbetsmarknadsförvaltningen.
""",
        ),
        DemoIdea(
            key="sfi-praktik",
            author="r8",
            title="SFI med praktik från dag ett",
            summary=(
                "Språket lärs snabbare på en arbetsplats. Kombinera SFI med "
                "praktik redan från start."
            ),
            body="""\
Många lär sig svenska fortare när de får använda språket på riktigt. Vi föreslår
**SFI på halvtid och praktik på halvtid** från första veckan, med lokala företag
och föreningar som värdar.
""",
        ),
        DemoIdea(
            key="validering",
            author="r9",
            anonymous=True,
            title="Validera yrkeskunskaper snabbare",
            summary=(
                "Undersköterskor, elektriker och lärare från andra länder "
                "väntar för länge på validering."
            ),
            body="""\
Jag var lärare i tolv år innan jag kom hit. Det tog tre år innan någon frågade vad
jag kunde. **Snabbare validering** med yrkessvenska parallellt skulle få fler i
arbete inom sitt yrke.
""",
        ),
        DemoIdea(
            key="sprakvan",
            author="r10",
            title="Språkvän på arbetsplatsen",
            summary="En kollega som språkvän de första månaderna på ett nytt jobb.",
            body="""\
Den första tiden på en ny arbetsplats avgör mycket. En **språkvän** bland kollegorna
hjälper med ord, rutiner och fikarummets oskrivna regler.
""",
        ),
    ),
    comments=(
        DemoComment(
            "j1",
            "jobbinspiratorer",
            "r8",
            (
                "Förebilder från det egna området betyder mycket. Min granne "
                "fick jobb tack vare en sådan."
            ),
        ),
        DemoComment(
            "j2",
            "jobbinspiratorer",
            "r7",
            "Så fint att höra! Det är precis den sortens berättelser vi vill ska bli fler.",
            parent="j1",
        ),
        DemoComment(
            "j3",
            "jobbinspiratorer",
            "r6",
            "Jag kan berätta om mitt första jobb här. Under pseudonym, till att börja med.",
            pseudonym=True,
        ),
        DemoComment(
            "v1",
            "validering",
            "jury",
            "Viktig fråga. Vilka yrken tror du skulle ha störst nytta av snabbare validering?",
        ),
    ),
    votes={
        "r1": ("jobbinspiratorer", "sfi-praktik"),
        "r2": ("jobbinspiratorer", "validering"),
        "r3": ("jobbinspiratorer", "validering"),
        "r4": ("jobbinspiratorer", "sprakvan"),
        "r5": ("sfi-praktik", "sprakvan"),
        "r6": ("sfi-praktik", "sprakvan"),
        "r7": ("sprakvan",),
        "r8": ("validering",),
        "r9": ("sfi-praktik",),
        "r10": ("validering",),
        "r11": ("jobbinspiratorer", "sprakvan"),
        "r12": ("jobbinspiratorer",),
        "r13": ("jobbinspiratorer",),
        "r14": ("sfi-praktik",),
        "r15": ("sfi-praktik", "validering"),
    },
)

_GEMENSKAP = DemoChallenge(
    slug="h22-ensamhet-och-gemenskap",
    title="Ensamhet och gemenskap",
    category="Gemenskap",
    summary="Hur bryter vi isolering och skapar fler platser där grannar möts?",
    description="""\
Ensamhet finns i alla åldrar och i alla stadsdelar. Vi söker idéer som får
människor att mötas över gränser – mellan generationer, språk och bostadsområden.
""",
    timeline=_H22_TIMELINE,
    ideas=(
        DemoIdea(
            key="generationer",
            author="r11",
            title="Generationsmöten på biblioteket",
            summary=(
                "Unga hjälper äldre med mobilen, äldre berättar om staden förr – varannan lördag."
            ),
            body="""\
Varannan lördag på biblioteket: **unga visar äldre** hur man använder mobilen och
e-tjänsterna, och **äldre berättar** om hur Helsingborg såg ut förr. Fika ingår.
""",
        ),
        DemoIdea(
            key="kvallsoppet",
            author="r12",
            anonymous=True,
            title="Kvällsöppen mötesplats för unga",
            summary="En lokal som är öppen när fritidsgårdarna har stängt, med vuxna som lyssnar.",
            body="""\
Det händer mest på kvällarna, när allt annat har stängt. En **kvällsöppen
mötesplats** med vuxna som unga litar på skulle ge fler ett ställe att vara på.
""",
        ),
        DemoIdea(
            key="grannmiddag",
            author="r13",
            title="Grannskapsmiddagar på gården",
            summary="En gemensam middag på innergården varje månad under sommarhalvåret.",
            body="""\
Alla tar med sig en rätt från sitt hemland. **Grannskapsmiddagar** på innergården
är ett enkelt sätt att lära känna dem man bor granne med.
""",
        ),
    ),
    comments=(
        DemoComment(
            "g1",
            "generationer",
            "r14",
            "Biblioteket i Dalhem har redan läxhjälp – kanske kan man bygga vidare där?",
        ),
    ),
    votes={
        "r1": ("generationer", "grannmiddag"),
        "r2": ("generationer",),
        "r3": ("kvallsoppet",),
        "r4": ("kvallsoppet",),
        "r5": ("generationer",),
        "r6": ("kvallsoppet",),
        "r7": ("generationer",),
        "r8": ("kvallsoppet",),
        "r9": ("grannmiddag",),
        "r10": ("grannmiddag",),
        "r11": ("kvallsoppet",),
        "r12": ("grannmiddag",),
        "r14": ("generationer", "grannmiddag"),
        "r15": ("generationer",),
    },
)

H22 = DemoEvent(
    slug="inhabithon-h22",
    name="Inhabithon H22",
    place="Prismahuset, Oceanhamnen, Helsingborg",
    starts_at=_utc(2022, 6, 18, 7),  # 09:00 in Helsingborg
    ends_at=_utc(2022, 6, 19, 15),
    description="""\
Under **H22 City Expo** anordnade socialförvaltningen ett hackaton med invånare – en
Inhabithon. Invånare, eldsjälar och tjänstepersoner träffades under en helg på
Prismahuset i Oceanhamnen och designade tillsammans lösningar på tre stora
samhällsutmaningar.

Stadsdelsmammorna vann med sitt förslag om ett **flerspråkigt kontaktcenter**: en brygga
mellan förvaltningen och invånare som inte vågar ta första steget.
""",
    challenges=(_TRYGGHET, _ARBETE, _GEMENSKAP),
)


# --- The current event: open now, so a newcomer can take part at once ------------

_STOD = DemoChallenge(
    slug="2027-hitta-ratt-stod",
    title="Hur gör vi stadens stöd lättare att hitta?",
    category="Trygghet",
    summary="Stödet finns, men många hittar det inte. Rösta på de förslag du tror mest på!",
    description="""\
Helsingborg har familjecentraler, budget- och skuldrådgivning, stödsamtal och
kontaktcentret från H22. Men många vet inte att stödet finns, eller var man börjar.

**Röstningen är öppen.** Du har tre röster och kan ändra dig så länge röstningen pågår.
""",
    timeline=Timeline(
        submissions_open_at=-30 * DAY,
        voting_open_at=-2 * DAY,
        jury_review_at=12 * DAY,
        results_at=26 * DAY,
    ),
    ideas=(
        DemoIdea(
            key="telefonlinje",
            author="r4",
            title="En telefonlinje på tio språk",
            summary="Ett nummer att ringa för alla frågor om stöd, med svar på tio språk.",
            body="""\
Ett enda **telefonnummer** för alla frågor om stöd. Den som svarar talar ditt språk,
eller kopplar in en tolk direkt. Öppet även på kvällar.
""",
        ),
        DemoIdea(
            key="stodkarta",
            author="r9",
            title="Samlad stödkarta på nätet",
            summary=(
                "En karta över allt stöd i staden, som går att läsa på lätt "
                "svenska och andra språk."
            ),
            body="""\
En **stödkarta** där man ser vilket stöd som finns nära en själv: familjecentraler,
föreningar, stödsamtal och rådgivning – med öppettider och språk.
""",
        ),
        DemoIdea(
            key="oppethus",
            author="r14",
            anonymous=True,
            title="Öppet hus på familjecentralen på kvällstid",
            summary="Många föräldrar arbetar dagtid. Håll öppet hus en kväll i veckan.",
            body="""\
Jag jobbar skift och hinner aldrig till familjecentralen. **Öppet hus på kvällstid**
en gång i veckan skulle göra stor skillnad för oss som jobbar.
""",
        ),
        DemoIdea(
            key="foraldramoten",
            author="r2",
            title="Stödpersoner på skolans föräldramöten",
            summary="Någon från socialförvaltningen presenterar sig på föräldramötet varje höst.",
            body="""\
När man har sett ett ansikte är det lättare att höra av sig. Låt en **stödperson**
presentera sig på föräldramötet varje höst – tillsammans med en tolk.
""",
        ),
    ),
    comments=(
        DemoComment(
            "t1",
            "telefonlinje",
            "r6",
            "Bra idé! Viktigt att den är öppen på kvällar också.",
        ),
        DemoComment(
            "t2",
            "telefonlinje",
            "r4",
            "Absolut, det står med i förslaget. Tack!",
            parent="t1",
        ),
        DemoComment(
            "o1",
            "oppethus",
            "official",
            "Familjecentralen i Drottninghög har testat kvällsöppet – vi tar med oss förslaget.",
        ),
    ),
    votes={
        "r1": ("telefonlinje", "stodkarta"),
        "r3": ("telefonlinje",),
        "r5": ("oppethus",),
        "r6": ("stodkarta", "oppethus"),
        "r7": ("telefonlinje", "foraldramoten"),
    },
)

_MOTAS = DemoChallenge(
    slug="2027-unga-och-aldre",
    title="Hur kan unga och äldre mötas mer i vardagen?",
    category="Gemenskap",
    summary="Skicka in ditt förslag! Alla idéer är välkomna – du kan också vara anonym.",
    description="""\
Unga och äldre bor ofta i samma kvarter men möts sällan. Vi söker idéer på
mötesplatser och aktiviteter som för generationerna närmare varandra.

**Inlämningen är öppen.** Skriv på det språk du vill.
""",
    timeline=Timeline(
        submissions_open_at=-3 * DAY,
        voting_open_at=21 * DAY,
        jury_review_at=35 * DAY,
        results_at=49 * DAY,
    ),
    ideas=(
        DemoIdea(
            key="teknikhjalp",
            author="r10",
            title="Teknikhjälp av gymnasieelever",
            summary=(
                "Gymnasieelever hjälper äldre med mobil och dator, och får "
                "intyg för sitt engagemang."
            ),
            body="""\
Gymnasieelever håller **teknikhjälp** på träffpunkterna för äldre en gång i veckan.
Eleverna får ett intyg som de kan använda när de söker sommarjobb.
""",
        ),
        DemoIdea(
            key="odling",
            author="r15",
            title="Gemensam odling på innergården",
            summary="Pallkragar där förskolebarn och pensionärer odlar tillsammans.",
            body="""\
**Pallkragar på innergården** där förskolan och pensionärerna i huset odlar ihop.
Barnen vattnar, pensionärerna lär ut – och skörden delas.
""",
        ),
    ),
    comments=(
        DemoComment(
            "u1",
            "odling",
            "r11",
            "Vi har en tom gård i Söder som skulle passa perfekt för det här.",
        ),
    ),
)

CURRENT = DemoEvent(
    slug="inhabithon-helsingborg-2027",
    name="Inhabithon Helsingborg 2027",
    place="Dunkers kulturhus, Helsingborg",
    starts_at=-30 * DAY,
    ends_at=60 * DAY,
    description="""\
Nästa Inhabithon pågår nu! Lämna in idéer, kommentera och rösta – på nätet, eller
med hjälp av kontaktcentret på ditt eget språk.
""",
    challenges=(_STOD, _MOTAS),
)

EVENTS = (H22, CURRENT)
