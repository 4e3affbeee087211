"""Reference data of the normalisers: free-mail providers, public suffixes, legal forms,
name particles.

Part of :mod:`crm_engine.normalize`, which re-exports its public names.
"""

from __future__ import annotations

#: Domains of free / consumer mail providers: an address there says nothing
#: about the company of the sender, so its domain is never a company domain.
FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    """
    gmail.com googlemail.com hotmail.com hotmail.es hotmail.fr hotmail.it hotmail.co.uk
    hotmail.de outlook.com outlook.es outlook.fr outlook.it outlook.de live.com live.es
    live.fr live.it live.co.uk msn.com yahoo.com yahoo.es yahoo.fr yahoo.it yahoo.co.uk
    yahoo.de yahoo.com.ar yahoo.com.mx yahoo.com.br ymail.com rocketmail.com aol.com
    aol.co.uk icloud.com me.com mac.com gmx.com gmx.net gmx.de gmx.es gmx.fr gmx.at gmx.ch
    web.de t-online.de freenet.de protonmail.com protonmail.ch proton.me pm.me tutanota.com
    tuta.io mail.com email.com zoho.com zohomail.com yandex.com yandex.ru mail.ru inbox.ru
    list.ru bk.ru fastmail.com hey.com orange.fr wanadoo.fr free.fr laposte.net sfr.fr
    neuf.fr bbox.fr libero.it virgilio.it alice.it tiscali.it tin.it email.it teletu.it
    telefonica.net movistar.es terra.es ya.com btinternet.com sky.com virginmedia.com
    talktalk.net blueyonder.co.uk ntlworld.com comcast.net verizon.net att.net sbcglobal.net
    bellsouth.net cox.net charter.net earthlink.net qq.com 163.com 126.com sina.com
    naver.com hanmail.net rediffmail.com seznam.cz wp.pl o2.pl interia.pl onet.pl
    """.split()
)

#: Provider brands whose every country domain is free mail (``yahoo.*``...).
FREE_MAIL_BRANDS: frozenset[str] = frozenset(
    {
        "gmail",
        "googlemail",
        "hotmail",
        "outlook",
        "live",
        "yahoo",
        "ymail",
        "gmx",
        "yandex",
        "icloud",
        "aol",
        "protonmail",
        "msn",
    }
)

# Second-level labels that are public suffixes under a country code TLD.
_CC_SECOND_LEVEL: dict[str, str] = {
    "uk": "ac co gov ltd me net nhs org plc police sch",
    "au": "asn com edu gov id net org",
    "nz": "ac co geek gen govt iwi kiwi maori net org school",
    "za": "ac co edu gov net nom org web",
    "jp": "ac ad co ed go gr lg ne or",
    "kr": "ac co go ne or re",
    "br": "art com edu gov net org",
    "ar": "com edu gob gov int net org",
    "mx": "com edu gob net org",
    "co": "com edu gov net nom org",
    "pe": "com edu gob net nom org",
    "ve": "co com gob net org web",
    "ec": "com edu gob net org",
    "uy": "com edu gub net org",
    "es": "com edu gob nom org",
    "fr": "asso com gouv nom",
    "pt": "com edu gov org",
    "tr": "av bel biz com edu gen gov k12 net org",
    "in": "ac co edu firm gen gov ind net org res",
    "cn": "ac com edu gov net org",
    "hk": "com edu gov net org",
    "tw": "com edu gov net org",
    "sg": "com edu gov net org",
    "my": "com edu gov net org",
    "id": "ac co go or web",
    "th": "ac co go in or",
    "ph": "com edu gov net org",
    "pk": "com edu gov net org",
    "il": "ac co gov net org",
    "eg": "com edu gov net org",
    "ng": "com edu gov net org",
    "ke": "ac co go or",
    "ma": "ac co gov net org",
    "gr": "com edu gov net org",
    "cy": "ac com gov net org",
    "mt": "com edu gov net org",
    "at": "ac co gv or",
    "sa": "com edu gov net org",
    "ae": "ac co gov net org",
}

#: Multi-label public suffixes known to :func:`registrable_domain`.
_MULTI_LABEL_SUFFIXES: frozenset[str] = frozenset(
    {f"{sld}.{cc}" for cc, slds in _CC_SECOND_LEVEL.items() for sld in slds.split()}
    | {
        "github.io",
        "gitlab.io",
        "herokuapp.com",
        "blogspot.com",
        "wordpress.com",
        "wixsite.com",
        "netlify.app",
        "vercel.app",
        "pages.dev",
        "web.app",
        "firebaseapp.com",
        "azurewebsites.net",
        "cloudfront.net",
        "myshopify.com",
        "squarespace.com",
        "appspot.com",
    }
)

# Country-code TLDs that are used as generic ones and say nothing of a country.
_VANITY_CC_TLDS = frozenset(
    {"ai", "cc", "co", "fm", "gg", "io", "ly", "me", "to", "tv", "vc", "ws"}
)
_TLD_REGION = {"uk": "GB", "cat": "ES", "eus": "ES", "gal": "ES", "bzh": "FR", "corsica": "FR"}

#: Legal-form suffixes: letters-only lower-case key -> canonical letter casing.
#: Punctuation is kept as typed ("S.L." and "SL" both stay recognisable);
#: only the casing of the letters is fixed ("s.r.l." -> "S.r.l.").
LEGAL_SUFFIXES: dict[str, str] = {
    # Spain, Catalonia
    "sl": "SL",
    "sa": "SA",
    "slu": "SLU",
    "sll": "SLL",
    "sau": "SAU",
    "slne": "SLNE",
    "sc": "SC",
    "scp": "SCP",
    "scoop": "SCoop",
    "sccl": "SCCL",
    "cb": "CB",
    "sad": "SAD",
    "sadecv": "SAdeCV",
    "sapi": "SAPI",
    "srldecv": "SRLdeCV",
    "sabdecv": "SABdeCV",
    "sapidecv": "SAPIdeCV",
    "sderldecv": "SdeRLdeCV",
    # Italy
    "srl": "Srl",
    "srls": "Srls",
    "spa": "SpA",
    "sas": "SAS",
    "snc": "Snc",
    "sapa": "SapA",
    "scarl": "Scarl",
    "scrl": "Scrl",
    # France, Belgium, Switzerland
    "sarl": "SARL",
    "sasu": "SASU",
    "eurl": "EURL",
    "sci": "SCI",
    "sca": "SCA",
    "selarl": "SELARL",
    "sprl": "SPRL",
    # Germany, Austria
    "gmbh": "GmbH",
    "ag": "AG",
    "kg": "KG",
    "ohg": "OHG",
    "ug": "UG",
    "ev": "eV",
    "gbr": "GbR",
    "kgaa": "KGaA",
    "mbh": "mbH",
    "se": "SE",
    # UK, US and others
    "ltd": "Ltd",
    "limited": "Limited",
    "plc": "PLC",
    "llp": "LLP",
    "lp": "LP",
    "llc": "LLC",
    "inc": "Inc",
    "incorporated": "Incorporated",
    "corp": "Corp",
    "corporation": "Corporation",
    "co": "Co",
    "company": "Company",
    "pty": "Pty",
    "ptyltd": "PtyLtd",
    "coltd": "CoLtd",
    "bv": "BV",
    "nv": "NV",
    "vof": "VOF",
    "oy": "Oy",
    "ab": "AB",
    "as": "AS",
    "asa": "ASA",
    "aps": "ApS",
    "sro": "sro",
    "lda": "Lda",
    "ltda": "Ltda",
}
_LEGAL_SUFFIXES_MAX_TOKENS = 6
_CONNECTORS = frozenset({"&", "and", "y", "i", "e", "et", "und"})

# Name particles kept lower-case inside a name ("Ludwig van Beethoven").
_PARTICLES = frozenset(
    "al da das de del della dei der des den di do dos du el la las le les lo van von y i e".split()
)
_ELIDED_PARTICLES = frozenset({"d", "l", "dell", "all"})  # d'Angelo, l'Oréal
