# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The lead import through the doors a user takes: the menu as the web client loads it,
the form's buttons as ``/web/dataset/call_button`` calls them, the rejected rows file
as the browser downloads it."""

import base64
import csv
import io

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

# A file as Excel writes "CSV (separado por comas)" in Spain: Windows-1252, ";" between
# columns, CRLF line ends, quotes around cells holding ";", quotes or line breaks, and
# a comma in an unquoted cell (which fools a sniffer looking for the separator).
EXCEL_ROWS = [
    ["Nombre", "Empresa", "Correo electrónico", "Teléfono", "Ciudad", "Notas"],
    [
        "Peñalver Ruiz, Álvaro",
        "Peñalver; Hijos S.A.",
        "alvaro@penalver.example",
        "600 111 222",
        "Málaga",
        "Pide presupuesto de 1.200,50 €\r\nLlamar por la tarde; urgente",
    ],
    [
        "Françoise Dupont",
        "Café Crème SARL",
        "francoise@cafe-creme.example",
        "",
        "Perpignan",
        'Dit "bonjour", rappeler',
    ],
    ["Sin Correo", "Nadie SL", "no-es-un-correo", "", "Sevilla", "=1+2"],
]


def excel_csv(rows, delimiter=";", encoding="cp1252"):
    """Bytes of ``rows`` written as Excel writes them (CRLF, minimal quoting)."""
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


@tagged("post_install", "-at_install", "crm_ops_import", "crm_ops_http")
class TestLeadImportDoors(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.es")
        cls.group_use_lead = cls.env.ref("crm.group_use_lead")
        # the Leads feature is off, as on a new database
        cls.env.ref("base.group_user").implied_ids -= cls.group_use_lead
        cls.group_use_lead.user_ids = [Command.clear()]
        cls.salesman = new_test_user(
            cls.env,
            login="import_salesman",
            password="import_salesman",
            groups="sales_team.group_sale_salesman",
        )

    def _rpc(self, model, method, *args, button=False, **kwargs):
        route = "call_button" if button else "call_kw"
        return self.make_jsonrpc_request(
            f"/web/dataset/{route}/{model}.{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def _upload(self, content, filename="clientes.csv"):
        """Create the import and press Load File, as the form does."""
        import_id = self._rpc(
            "crm.lead.import",
            "create",
            {"file": base64.b64encode(content).decode(), "filename": filename},
        )
        self._rpc("crm.lead.import", "action_load", [import_id], button=True)
        return self.env["crm.lead.import"].browse(import_id)

    def _menus(self):
        menus = self.url_open("/web/webclient/load_menus").json()
        return {m["xmlid"]: m for key, m in menus.items() if key != "root"}

    # ------------------------------------------------------------------
    def test_menu_reachable_by_salesman_with_leads_off_and_on(self):
        self.assertFalse(self.salesman.has_group("crm.group_use_lead"))
        self.authenticate("import_salesman", "import_salesman")
        menus = self._menus()
        self.assertIn("crm_ops.menu_crm_ops_lead_import", menus, "the import has a menu")
        menu = menus["crm_ops.menu_crm_ops_lead_import"]
        action = self.make_jsonrpc_request("/web/action/load", {"action_id": menu["actionID"]})
        self.assertEqual(action["res_model"], "crm.lead.import")
        self.assertEqual(menus[self._parent_xmlid(menus, menu)]["xmlid"], "crm.crm_menu_sales")
        # the action's views and list open for the salesman
        views = self._rpc(
            "crm.lead.import", "get_views", [[False, "list"], [False, "form"]], options={}
        )
        self.assertIn("target", views["models"]["crm.lead.import.column"]["fields"])
        self._rpc("crm.lead.import", "web_search_read", [], specification={"name": {}})

        # with Leads on, "Leads" stays a menu entry that opens the leads (no dropdown)
        self.salesman.group_ids = [Command.link(self.group_use_lead.id)]
        menus = self._menus()
        leads = menus["crm.crm_menu_leads"]
        self.assertFalse(leads["children"], "Leads is not turned into a dropdown")
        self.assertTrue(leads["actionID"])
        self.assertIn("crm_ops.menu_crm_ops_lead_import", menus)

    @staticmethod
    def _parent_xmlid(menus, menu):
        return next(xmlid for xmlid, m in menus.items() if menu["id"] in m["children"])

    def _check_excel_import(self, imp, encoding, separator):
        self.assertEqual(imp.state, "mapped")
        self.assertEqual(
            imp.column_ids.sorted("sequence").mapped("target"),
            ["contact_name", "partner_name", "email", "phone", "city", "description"],
        )
        self.assertEqual(imp.row_count, 3)
        self._rpc("crm.lead.import", "action_import", [imp.id], button=True)
        imp.invalidate_recordset()
        self.assertEqual(imp.state, "done")
        self.assertEqual((imp.created_count, imp.error_count), (2, 1))
        Lead = self.env["crm.lead"]
        alvaro = Lead.search([("email_from", "=", "alvaro@penalver.example")])
        self.assertEqual(len(alvaro), 1)
        self.assertIn("Peñalver", alvaro.contact_name)
        self.assertIn("Álvaro", alvaro.contact_name)
        self.assertEqual(alvaro.partner_name, "Peñalver; Hijos S.A.")
        self.assertEqual(alvaro.city, "Málaga")
        self.assertEqual(alvaro.phone, "+34600111222")
        self.assertIn("1.200,50 €", alvaro.description)
        self.assertIn("urgente", alvaro.description)
        francoise = Lead.search([("email_from", "=", "francoise@cafe-creme.example")])
        self.assertEqual(francoise.contact_name, "Françoise Dupont")
        self.assertEqual(francoise.partner_name, "Café Crème SARL")
        self.assertIn('Dit "bonjour", rappeler', francoise.description)
        self.assertEqual(imp.error_ids.row_number, 4)
        self.assertEqual((imp.encoding, imp.separator), (encoding, separator))
        return imp

    def test_excel_cp1252_semicolon_file(self):
        self.authenticate("import_salesman", "import_salesman")
        content = excel_csv(EXCEL_ROWS)
        self.assertIn(b"Pe\xf1alver", content)  # Windows-1252 bytes, as Excel writes them
        self.assertIn(b"\x80", content)  # the euro sign in Windows-1252
        imp = self._upload(content)
        self._check_excel_import(imp, "Windows-1252", ";")

    def test_excel_unicode_text_utf16_tab_file(self):
        self.authenticate("import_salesman", "import_salesman")
        # Excel's "Unicode text": UTF-16 little-endian with its BOM, tab separated
        content = excel_csv(EXCEL_ROWS, delimiter="\t", encoding="utf-16")
        self.assertTrue(content.startswith(b"\xff\xfe"))
        imp = self._upload(content, "clientes.txt")
        self._check_excel_import(imp, "UTF-16", "\t")

    def test_excel_csv_utf8_with_bom(self):
        self.authenticate("import_salesman", "import_salesman")
        imp = self._upload(excel_csv(EXCEL_ROWS, encoding="utf-8-sig"))
        self._check_excel_import(imp, "UTF-8 (BOM)", ";")

    def test_utf8_without_bom_comma_file(self):
        self.authenticate("import_salesman", "import_salesman")
        imp = self._upload(excel_csv(EXCEL_ROWS, delimiter=",", encoding="utf-8"))
        self._check_excel_import(imp, "UTF-8", ",")

    def test_rejected_rows_file_opens_safely_in_a_spreadsheet(self):
        self.authenticate("import_salesman", "import_salesman")
        rows = [
            ["Name", "Email", "Phone"],
            ['=HYPERLINK("http://evil.example","click")', "not-an-email", "+34 600"],
            ["@SUM(A1)", "bad@", "-1"],
            ["Good Person", "good@person.example", ""],
        ]
        imp = self._upload(excel_csv(rows, encoding="utf-8"))
        self._rpc("crm.lead.import", "action_import", [imp.id], button=True)
        imp.invalidate_recordset()
        self.assertEqual(imp.error_count, 2)
        action = self._rpc("crm.lead.import", "action_download_errors", [imp.id], button=True)
        res = self.url_open(action["url"])
        self.assertEqual(res.status_code, 200)
        self.assertTrue(res.content.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM for Excel")
        # the file's own separator, so that a spreadsheet of the same locale opens it
        text = res.content.decode("utf-8-sig")
        self.assertTrue(text.startswith("Row;Error;Name;Email;Phone\r\n"), text)
        cells = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        self.assertEqual(cells[0][2:], ["Name", "Email", "Phone"], "the file's own columns")
        self.assertEqual([row[0] for row in cells[1:]], ["2", "3"])
        self.assertEqual(cells[1][2], '\'=HYPERLINK("http://evil.example","click")')
        self.assertEqual(cells[1][4], "'+34 600")
        self.assertEqual(cells[2][2], "'@SUM(A1)")
        self.assertEqual(cells[2][4], "'-1")
        for row in cells:
            for cell in row:
                self.assertFalse(cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell)
