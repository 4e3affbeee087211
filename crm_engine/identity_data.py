"""Reference data of identity matching: nicknames, role mailboxes, mail providers.

Sources
-------
* Nicknames and short forms (es, ca, it): compiled by hand for this project from
  the hypocorisms in everyday use in Spain, Catalonia and Italy, as listed in the
  Spanish, Catalan and Italian Wikipedia articles "Hipocorístico", "Hipocorístic"
  and "Ipocoristico" (common forms only; regional and rare ones are left out). A
  short form maps to every full name it is used for ("Toni" is Antonio, Antonia
  and Antoni), so it never contradicts any of them.
* Cross-language forms of the same name (José / Josep / Giuseppe, Juan / Joan /
  Giovanni...): the usual equivalents; a register in Catalonia holds both.
* Role mailboxes: the local parts that companies use for shared boxes in Spanish,
  Catalan, Italian and English (``info@``, ``ventas@``, ``comercial@``,
  ``amministrazione@``, ``contact@``...), compiled by hand.
* Plus addressing: providers documented to deliver ``user+tag@`` to ``user@``
  (Gmail, Outlook.com, iCloud, Proton, Fastmail, Zoho). Gmail also ignores dots in
  the local part and treats ``googlemail.com`` as ``gmail.com``.

All keys are accent-folded lower case. This module imports no Odoo.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

_NICKNAMES_TEXT = """
# short form: full names (space separated; a compound full name uses '_')
# --- Spanish
pepe: jose
pepito: jose
chema: jose_maria jose
txema: jose_maria jose
josema: jose_maria jose
paco: francisco
paquito: francisco
pancho: francisco
curro: francisco
frasco: francisco
kiko: francisco enrique
quico: francisco francesc
fran: francisco francisca
nacho: ignacio
inaki: ignacio
lola: dolores
loli: dolores
lolita: dolores
montse: montserrat
manolo: manuel
manu: manuel manuela
toni: antonio antonia antoni
tony: antonio antoni
tono: antonio
tona: antonia
chus: jesus maria_jesus
suso: jesus
chucho: jesus
quique: enrique
kike: enrique
guille: guillermo guillem
alex: alejandro alejandra alexandre alessandro alessandra
ale: alejandro alejandra alessandro alessandra
rober: roberto
nando: fernando ferran
rafa: rafael
paca: francisca
paquita: francisca
concha: concepcion
conchi: concepcion
conchita: concepcion
chelo: consuelo
charo: rosario
chari: rosario
merche: mercedes
pili: pilar
isa: isabel
maite: maria_teresa teresa
tere: teresa
maribel: maria_isabel isabel
marisa: maria_luisa luisa
majo: maria_jose
mamen: maria_carmen carmen
lupe: guadalupe
asun: asuncion
encarna: encarnacion
inma: inmaculada
puri: purificacion
edu: eduardo
dani: daniel daniela daniele
javi: javier
quino: joaquin
santi: santiago
sebas: sebastian
fede: federico federica
salva: salvador salvatore
cris: cristina cristian
patri: patricia
bea: beatriz beatrice
vero: veronica
nati: natalia
goyo: gregorio
juanjo: juan_jose
juanma: juan_manuel
juanca: juan_carlos
joselu: jose_luis
# --- Catalan
pep: josep jose
pepa: josepa josefa
jep: josep
quim: joaquim joaquin
ximo: joaquim joaquin
xavi: xavier javier
cesc: francesc
xisco: francesc francisco
cisco: francesc francisco
tomeu: bartomeu
biel: gabriel
nel: manel
nuri: nuria
jordi: jordi
mon: ramon
# --- Italian
beppe: giuseppe
peppe: giuseppe
peppino: giuseppe
pino: giuseppe
bepi: giuseppe
pippo: filippo giuseppe
pina: giuseppina
gianni: giovanni
nanni: giovanni
vanni: giovanni
sandro: alessandro
sandra: alessandra
max: massimiliano massimo
gigi: luigi
toto: salvatore
turi: salvatore
ciccio: francesco
franco: francesco
checco: francesco
enzo: vincenzo lorenzo
nino: antonino giovanni
tonino: antonio
mimmo: domenico
lello: raffaele
betta: elisabetta
cate: caterina
vale: valentina valentino
fra: francesca francesco
teo: matteo
ste: stefano stefania
nico: nicola nicolo
tommy: tommaso
michi: michele
"""

# Cross-language forms of one name: each group is one name.
_EQUIVALENT_TEXT = """
jose josep giuseppe
josefa josepa giuseppina
juan joan giovanni
juana joana giovanna
francisco francesc francesco
francisca francesca
joaquin joaquim gioacchino
jorge jordi giorgio
pedro pere pietro
miguel miquel michele
luis lluis luigi
luisa lluisa
antonio antoni
enrique enric enrico
guillermo guillem guglielmo
esteban esteve stefano
alejandro alexandre alessandro
alejandra alessandra
carmen carme
montserrat montserrat
dolores dolors
mercedes merce
ramon raimondo
rafael rafel raffaele
vicente vicent vincenzo
jaime jaume giacomo
andres andreu andrea
ana anna
ignacio ignasi ignazio
manuel manel
teresa teresa
nuria nuria
"""


def _parse_nicknames(text: str) -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        nick, _sep, names = line.partition(":")
        table[nick.strip()] = frozenset(names.split())
    return table


def _parse_groups(text: str) -> dict[str, str]:
    canon: dict[str, str] = {}
    for line in text.splitlines():
        words = line.split()
        for word in words:
            canon[word] = words[0]
    return canon


#: Short form -> the full names it stands for (compound names joined by ``_``).
NICKNAMES: dict[str, frozenset[str]] = _parse_nicknames(_NICKNAMES_TEXT)
#: Any form of a name -> one representative of its cross-language group.
NAME_EQUIVALENTS: dict[str, str] = _parse_groups(_EQUIVALENT_TEXT)

#: Words inside names that are no name of their own ("de la Cruz", "di Stefano").
NAME_PARTICLES: frozenset[str] = frozenset(
    "al da das de del della delle dei degli der des di do dos du el la las le les lo los "
    "van von y i e".split()
)

# ---------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------

#: Local parts of shared role mailboxes (es, ca, it, en). An address whose local
#: part, or its first part before ``.``/``-``/``_`` or digits, is one of these
#: identifies a company or a department, not a person.
ROLE_MAILBOXES: frozenset[str] = frozenset(
    """
    info informacion informacio informazioni information infos
    contact contacto contacte contatti contatto contacts
    ventas venta vendes vendite sales sale comercial comercials commerciale commerciali
    administracion administracio amministrazione admin administration administracion
    oficina ufficio office officina despacho
    hola hello hi ciao
    soporte suport supporto support assistenza asistencia help ayuda ajuda helpdesk
    atencion atencionalcliente clientes clients clienti customer customers service servicio
    servei servizio servizioclienti customerservice
    compras compres acquisti purchasing purchase
    pedidos comandes ordini orders order
    facturacion facturacio fatturazione billing invoices facturas factures fatture
    contabilidad comptabilitat contabilita accounts accounting
    rrhh hr personale recursoshumanos jobs careers empleo treball lavoro
    marketing prensa premsa stampa press comunicacion comunicacio comunicazione
    direccion direccio direzione gerencia management
    secretaria secretariat segreteria reception recepcion recepcio reception
    tienda botiga negozio shop store
    reservas reserves prenotazioni bookings booking
    noreply no-reply postmaster webmaster mail correo correu posta team equipo equip staff
    general
    """.split()
)

#: Providers that deliver ``local+tag@`` to ``local@``.
PLUS_TAG_DOMAINS: frozenset[str] = frozenset(
    """
    gmail.com googlemail.com outlook.com outlook.es outlook.it outlook.fr hotmail.com
    hotmail.es hotmail.it hotmail.fr hotmail.co.uk live.com live.es live.it msn.com
    icloud.com me.com mac.com protonmail.com protonmail.ch proton.me pm.me fastmail.com
    fastmail.fm zoho.com zohomail.com
    """.split()
)
#: Providers that ignore dots in the local part.
DOTLESS_DOMAINS: frozenset[str] = frozenset({"gmail.com", "googlemail.com"})
#: Domain aliases: the same mailboxes under another name.
DOMAIN_ALIASES: dict[str, str] = {"googlemail.com": "gmail.com"}
