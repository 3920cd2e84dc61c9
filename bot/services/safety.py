"""Does a typed question mention danger: threats, violence, being watched or followed, being
detained? Then the bot puts the general safety advice above whatever the FAQ answers.

The word lists of every language live here, in one place, and all of them are tried on every
question (people mix languages, and Hindi is typed in both scripts). Text is compared
casefolded, without Latin accents or the Devanagari nukta, as whole words: "ameaca" meets
"ameaça", and "मारा" is not found inside "हमारा". A few phrases that use a danger word about
the weather, nature or ASI's own terms ("the threat of rain", "chain of custody",
"surveillance audit") are taken out first. A question that mentions danger by mistake only
gets advice it did not need; one that is missed gets none, so the lists lean to catching.
In the patterns, `[^ ]*` is "the rest of the word" (Python's \\w would stop at a Devanagari
vowel sign).
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.services.glossary import normalise

NUKTA = "\u093c"
# Words: Latin letters and digits, and Devanagari letters and signs (not the danda).
_WORD = re.compile(r"[\w\u0900-\u0963\u0966-\u097f]+")

# Phrases that look like danger but are not, taken out of the text before the search.
NOT_DANGER: dict[str, tuple[str, ...]] = {
    "en": (
        r"threats? of (?:rain|storms?|floods?|flooding|drought|frost|snow|hail|wind|erosion)",
        r"(?:a )?threats? to (?:the |our |my )?(?:river|rivers|forest|forests|water|land|"
        r"environment|nature|crops|fish|wildlife|animals|biodiversity|climate)",
        r"chain of custody",
    ),
    "fr": (
        r"menaces? d (?:pluie|orage|orages|inondations?|secheresse|tempetes?|gel|grele)",
        r"menaces? (?:pour|sur) (?:la |l |les |le )?(?:riviere|rivieres|foret|forets|eau|"
        r"terre|terres|nature|environnement|cultures|poissons|climat|biodiversite)",
    ),
    "pt": (
        r"ameacas? de (?:chuva|chuvas|tempestades?|enchentes?|secas?|inundacao|geada)",
        r"ameacas? (?:para|ao|a|aos|as) (?:o |a |os |as )?(?:rio|rios|floresta|mata|agua|terra|"
        r"natureza|meio ambiente|plantacao|plantacoes|peixes|clima|biodiversidade)",
        r"cadeia (?:de|do|da|dos|das|produtiva|global)",
    ),
    "hi": (),
}

DANGER: dict[str, tuple[str, ...]] = {
    "en": (
        # threats, intimidation, reprisals
        r"threat(?:s|en|ens|ened|ening)?",
        r"intimidat[^ ]*",
        r"harass[^ ]*",
        r"bully[^ ]*|bullied",
        r"reprisals?|retaliat[^ ]*",
        # violence
        r"violen(?:ce|t|tly)",
        r"attack(?:s|ed|ing)?",
        r"assault[^ ]*",
        r"beat(?:en|ing|ings)",
        r"(?:beat|beats|hit|hits|hurt|hurts|hurting) "
        r"(?:me|us|him|her|them|my [^ ]+|our [^ ]+|people)",
        r"kill(?:s|ed|ing|er|ers)?|murder[^ ]*",
        r"shot (?:at|me|us|him|her|them|dead)|gunshots?|shoot(?:s|ing)?|guns?|weapons?",
        r"knife|knives|machetes?",
        r"rape[ds]?|raping",
        r"tortur[^ ]*",
        r"kidnap[^ ]*|abduct[^ ]*",
        # detained
        r"detain[^ ]*|detention",
        r"arrest(?:s|ed|ing)?",
        r"jail[^ ]*|prison[^ ]*|imprison[^ ]*|locked up",
        # watched, followed
        r"(?:being|been|are|is|am|were|was|get|got|getting) "
        r"(?:watched|followed|spied on|monitored|tracked)",
        r"(?:watch|watches|watching|watched|follow|follows|following|followed|track|tracking|"
        r"tracked) (?:me|us|him|her|my family|our family|our village|our homes?|my home)",
        r"spy|spies|spying|spied",
        r"stalk(?:s|ed|ing|er|ers)?",
        r"under surveillance|surveillance (?:on|of) (?:me|us)",
    ),
    "fr": (
        r"menac[^ ]*",
        r"intimid[^ ]*",
        r"harcel[^ ]*",
        r"represailles?",
        r"violen[^ ]*",
        r"agress[^ ]*",
        r"frapp(?:e|es|ee|ees|ent|ait|aient|ons)|(?:me|nous|te|les|vous|le|la) frapper",
        r"battu|battus|battue|battues|tabass[^ ]*",
        r"tu(?:er|e|es|ee|ees|ent|era|eront|erait|eraient)",
        r"assassin[^ ]*|meurtr[^ ]*",
        r"armes?|fusils?|couteaux?|machettes?",
        r"viol|viols",
        r"tortur[^ ]*",
        r"kidnapp[^ ]*|rapt|sequestr[^ ]*|enlevement",
        r"detenu[^ ]*|detention",
        r"arret(?:e|ee|es|ees) par",
        r"(?:ete|etait|etaient|sont|est|suis|sommes|fut) arret(?:e|ee|es|ees)",
        r"(?:m|nous|l|les|t|vous) (?:a|ont|avait|avaient) arret(?:e|ee|es|ees)",
        r"prison[^ ]*|emprisonn[^ ]*|garde a vue|cachot",
        r"(?:nous|me|m|te|t|les|vous) surveill[^ ]*",
        r"(?:ete|etre|sommes|suis|sont|etait|etaient) surveill[^ ]*|sous surveillance",
        r"(?:nous|me|m|te|t|les|vous) (?:suit|suivent|suivait|suivaient|suivra|suivront)",
        r"(?:nous|me|m|te|t|les|vous) (?:a|ont|avait|avaient) suivi(?:e|s|es)?",
        r"(?:je suis|nous sommes|on est|j ai ete|nous avons ete|on a ete|etre) suivi(?:e|s|es)?",
        r"espion[^ ]*",
    ),
    "pt": (
        r"ameac[^ ]*",
        r"intimid[^ ]*",
        r"assedi[^ ]*",
        r"persegu[^ ]*",
        r"represalias?|retaliac[^ ]*|retaliad[^ ]*",
        r"violen[^ ]*",
        r"agred[^ ]*|agress[^ ]*",
        r"espanc[^ ]*|surr(?:a|aram|ou|ado|ados)",
        r"bat(?:eram|eu|endo|ido|ida|idos|idas)",
        r"mat(?:ar|aram|ou|am|ando|ado|ada|ados|adas|aria|arao|em|asse|assem)",
        r"assassin[^ ]*|homicid[^ ]*",
        r"armas?|tiros?|balead[^ ]*|pistolas?|revolver|facao|faca|facas",
        r"estupr[^ ]*",
        r"tortur[^ ]*",
        r"sequestr[^ ]*|rapt[^ ]*",
        r"pres(?:o|a|os|as)|prend(?:er|eram|eu|endo|ido|ida|idos)|prisao|cadeia",
        r"detid(?:o|a|os|as)|detencao",
        r"vigi(?:ado|ada|ados|adas|am|ando|avam)|sob vigilancia",
        r"(?:fui|fomos|foi|foram|sendo|sou|somos|ser) seguid(?:o|a|os|as)",
        r"(?:me|nos|te) (?:seguiu|seguiram|segue|seguem|seguindo|seguia|seguiam)",
        r"(?:esta|estao|estava|estavam) (?:me |nos )?seguindo",
        r"espion[^ ]*|espia(?:ndo|ram|m|va|vam)",
    ),
    "hi": (
        # Devanagari, written without the nukta (गिरफ़्तार is matched as गिरफ्तार)
        r"धमक[^ ]*",
        r"हिंसा|हिंसक",
        r"मारपीट|पीट[^ ]*|पिटाई",
        r"मार (?:दिया|दी|दिए|देंगे|देगा|दो|डाला|डाली|डालेंगे|डालेगा|डालने|देने)",
        r"मारा|मारे|मारी|मारने|मारेंगे|मारेगा|मारता|मारते",
        r"जान से",
        r"हत्या|कत्ल",
        r"हमला|हमले",
        r"बंदूक[^ ]*|हथियार[^ ]*",
        r"बलात्कार",
        r"गिरफ्तार[^ ]*",
        r"हिरासत",
        r"जेल",
        r"अपहरण",
        r"पीछा",
        r"जासूसी",
        r"(?:हम|मुझ|हमारे|मेरे|उन|उस) पर नजर",
        r"(?:घर|घरों|परिवार|गांव|गाँव|बस्ती) पर नजर",
        r"(?:हमारी|मेरी) निगरानी|(?:हम|मुझ) पर निगरानी",
        r"डराया|डराते|डराना|डराने|डराकर|डराएंगे|डरा (?:रहे|रहा|रही)",
        r"बदले की (?:कार्रवाई|कार्यवाही)|प्रतिशोध",
        r"सताया|सताते|सताना|सताने|उत्पीडन",
        # romanised Hindi
        r"dhamki[^ ]*|dhamka[^ ]*|dhamkee[^ ]*|dhamaki[^ ]*",
        r"hinsa",
        r"maarpeet|marpeet|maar peet|pitai|pitaai|peeta|peete|peeti|peetenge",
        r"maa?r (?:diya|di|diye|denge|dega|do|dala|dali|dalenge|daala|daalenge|dalega)",
        r"maara|maare|maarenge|marenge|maarne|maarte",
        r"jaan se",
        r"hatya|qatl|katl",
        r"hamla|hamle",
        r"bandook|banduk|bandookein|hathiyar",
        r"giraftar[^ ]*|girftar[^ ]*|griftar[^ ]*|giraftaar[^ ]*|giraftari",
        r"hirasat",
        r"jel",
        r"apharan|apaharan",
        r"peecha|picha|peechha|pichha|peecha",
        r"jasoosi|jasusi",
        r"(?:hum|hamare|mujh|mere|hampar|mujhpar)(?: par| pe)? (?:nazar|najar)",
        r"(?:ghar|gharon|parivar|pariwar|gaon|gaanv|basti) (?:par|pe) (?:nazar|najar)",
        r"(?:hamari|meri) nigrani|(?:hum|mujh) (?:par|pe) nigrani",
        r"darate|daraya|darana|darane|darakar|dara (?:rahe|raha|rahi)",
        r"badle ki (?:karwai|karvai|karyavahi|karrwai|karwayi)|pratishodh",
        r"sataya|satate|satana|satane|utpidan|utpeedan",
    ),
}


def _words(text: str) -> str:
    """The text as whole words between single spaces, for matching: ' menace d orage '."""
    folded = normalise(text).replace(NUKTA, "")
    return " " + " ".join(_WORD.findall(folded)) + " "


def _whole_words(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile(r"(?<= )(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?= )")


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[re.Pattern[str] | None, re.Pattern[str] | None], ...]:
    return tuple(
        (_whole_words(NOT_DANGER.get(language, ())), _whole_words(patterns))
        for language, patterns in DANGER.items()
    )


def mentions_danger(text: str) -> bool:
    """True when the text mentions threats, violence, being watched, followed or detained."""
    words = _words(text)
    for not_danger, danger in _compiled():
        checked = not_danger.sub(" ", words) if not_danger is not None else words
        checked = " " + " ".join(checked.split()) + " "
        if danger is not None and danger.search(checked):
            return True
    return False
