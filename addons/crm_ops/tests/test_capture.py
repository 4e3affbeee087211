import base64
import logging
import random

from odoo.exceptions import UserError
from odoo.tests import Form, tagged, users
from odoo.tools import mute_logger

from odoo.addons.crm_ops.models.crm_lead import CaptureError

from .common import CrmOpsCaptureCommon

_logger = logging.getLogger(__name__)


@tagged("crm_ops_capture")
class TestCaptureService(CrmOpsCaptureCommon):
    def test_normalisation_table(self):
        """Messy inputs are stored clean."""
        cases = [
            (
                {"email": "  John.Doe@Example.COM ", "contact_name": "JOHN DOE"},
                {"email_from": "john.doe@example.com", "contact_name": "John Doe"},
            ),
            (
                {"phone": "600 11 22 33", "contact_name": "ana  lópez"},
                {"phone": "+34600112233", "contact_name": "Ana López"},
            ),
            (
                {"phone": "0039 339 123 4567", "partner_name": "  bianchi spa "},
                {"phone": "+393391234567", "partner_name": "Bianchi SpA"},
            ),
            (
                {
                    "email": "sales@newco.example",
                    "website": "HTTPS://WWW.NewCo.example/contact",
                    "partner_name": "newco",
                },
                {"crm_ops_domain": "newco.example", "partner_name": "Newco"},
            ),
        ]
        for values, expected in cases:
            with self.subTest(values=values):
                result = self.Lead._crm_ops_capture(values, "api")
                lead = self.env["crm.lead"].browse(result["id"])
                for field, value in expected.items():
                    self.assertEqual(lead[field], value, field)
                self.assertEqual(lead.crm_ops_channel, "api")
                self.assertEqual(lead.company_id, self.company_a)

    def test_link_to_existing_customer_by_email(self):
        result = self.Lead._crm_ops_capture(
            {"email": "LAURA.GARCIA@acme-iberia.es", "contact_name": "Laura Garcia"}, "web_form"
        )
        lead = self.env["crm.lead"].browse(result["id"])
        self.assertEqual(result["status"], "linked")
        self.assertEqual(lead.partner_id, self.contact)
        self.assertEqual(lead.crm_ops_dedup_state, "linked")
        self.assertIn("email", lead.crm_ops_dedup_reason)
        self.assertGreaterEqual(lead.crm_ops_dedup_score, 60)

    def test_link_by_phone_and_similar_name(self):
        result = self.Lead._crm_ops_capture(
            {"phone": "600123456", "contact_name": "Laura Garcia"}, "api"
        )
        self.assertEqual(result["status"], "linked")
        self.assertEqual(result["partner_id"], self.contact.id)

    def test_merge_into_open_lead_and_undo(self):
        first = self.Lead._crm_ops_capture(
            {"email": "marc@botiga.cat", "contact_name": "Marc Puig", "partner_name": "Botiga"},
            "web_form",
        )
        self.assertEqual(first["status"], "created")
        second = self.Lead._crm_ops_capture(
            {
                "email": "Marc@Botiga.cat",
                "contact_name": "marc puig",
                "description": "<p>Call me</p>",
            },
            "email",
        )
        self.assertEqual(second["status"], "merged")
        self.assertEqual(second["merged_into"], first["id"])
        merged = self.env["crm.lead"].with_context(active_test=False).browse(second["id"])
        target = self.env["crm.lead"].browse(first["id"])
        self.assertFalse(merged.active, "the merged lead is archived, not deleted")
        self.assertEqual(target.crm_ops_merged_count, 1)
        self.assertIn("Call me", target.message_ids[0].body)
        # a salesperson undoes it
        merged.with_user(self.user_a).action_crm_ops_undo_merge()
        self.assertTrue(merged.active)
        self.assertFalse(merged.crm_ops_merged_into_id)
        self.assertEqual(merged.crm_ops_dedup_state, "new")
        self.assertEqual(target.crm_ops_merged_count, 0)

    def test_thresholds_are_configurable(self):
        self.company_a.crm_ops_link_threshold = 100  # an email alone (60) no longer links
        result = self.Lead._crm_ops_capture({"email": "laura.garcia@acme-iberia.es"}, "api")
        self.assertEqual(result["status"], "created")
        self.assertFalse(result["partner_id"])

    def test_same_domain_alone_does_not_link(self):
        result = self.Lead._crm_ops_capture(
            {"email": "pedro@acme-iberia.es", "contact_name": "Pedro Ruiz"}, "api"
        )
        self.assertEqual(result["status"], "created")
        self.assertIn("domain", result["reasons"])

    @users("capture_b")
    def test_other_company_customers_are_not_candidates(self):
        """Company B's salesperson captures A's contact: a new lead, not linked to it."""
        result = self.env["crm.lead"]._crm_ops_capture(
            {"email": "laura.garcia@acme-iberia.es", "contact_name": "Laura García"}, "api"
        )
        self.assertEqual(result["status"], "created")
        self.assertFalse(result["partner_id"])

    def test_bad_input_names_the_field_and_creates_nothing(self):
        count = self.env["crm.lead"].with_context(active_test=False).search_count([])
        cases = [
            ({"contact_name": "No Contact"}, "email"),
            ({"email": "not-an-email", "contact_name": "X"}, "email"),
            ({"phone": "12", "contact_name": "X"}, "phone"),
            ({"email": "a@b.example", "contact_name": "X", "company_id": 999999}, "company_id"),
            ({"email": "a@b.example", "contact_name": "X", "team_id": 999999}, "team_id"),
            ({"email": "a@b.example", "contact_name": "X", "user_id": "3"}, "user_id"),
            ({"email": "a@b.example", "contact_name": "X", "colour": "red"}, "colour"),
            ({"email": "a@b.example", "contact_name": "X" * 2000}, "contact_name"),
            (
                {"email": "a@b.example", "contact_name": "X", "expected_revenue": -5},
                "expected_revenue",
            ),
            ({"email": "a@b.example", "contact_name": "X", "country_code": "ZZ"}, "country_code"),
        ]
        for values, field in cases:
            with self.subTest(values=values), self.assertRaises(CaptureError) as ctx:
                self.Lead._crm_ops_capture(values, "api")
            self.assertIn(field, ctx.exception.errors)
        self.assertEqual(
            self.env["crm.lead"].with_context(active_test=False).search_count([]), count
        )

    def test_company_of_another_user_is_forbidden(self):
        with self.assertRaises(CaptureError) as ctx:
            self.Lead._crm_ops_capture(
                {"email": "a@b.example", "contact_name": "X", "company_id": self.company_b.id},
                "api",
            )
        self.assertEqual(ctx.exception.status, 403)
        team_b = self.env["crm.team"].create({"name": "Team B", "company_id": self.company_b.id})
        with self.assertRaises(CaptureError) as ctx:
            self.Lead._crm_ops_capture(
                {"email": "a@b.example", "contact_name": "X", "team_id": team_b.id}, "api"
            )
        self.assertIn("team_id", ctx.exception.errors)

    def test_html_is_sanitised(self):
        result = self.Lead._crm_ops_capture(
            {
                "email": "x@evil.example",
                "contact_name": "<b>Eve</b>",
                "description": "<p>Hi</p><script>alert(1)</script><img src=x onerror=alert(2)>",
            },
            "api",
        )
        lead = self.env["crm.lead"].browse(result["id"])
        self.assertEqual(lead.contact_name, "Eve")
        self.assertNotIn("<script", lead.description)
        self.assertNotIn("onerror", lead.description)
        self.assertIn("Hi", lead.description)

    def test_nul_characters_are_dropped(self):
        result = self.Lead._crm_ops_capture(
            {
                "email": "nul@x.example",
                "contact_name": "Nu\x00ll",
                "utm_campaign": "\x00",
                "tag_names": ["\x00"],
            },
            "api",
        )
        self.assertEqual(self.env["crm.lead"].browse(result["id"]).contact_name, "Null")

    def test_idempotency_key(self):
        values = {"email": "retry@shop.example", "contact_name": "Rita"}
        first = self.Lead._crm_ops_capture(values, "api", idempotency_key="order-42")
        again = self.Lead._crm_ops_capture(values, "api", idempotency_key="order-42")
        self.assertEqual(again["status"], "duplicate_request")
        self.assertEqual(again["id"], first["id"])
        self.assertEqual(
            self.env["crm.lead"].search_count([("email_from", "=", "retry@shop.example")]), 1
        )

    def test_batch_reports_per_item(self):
        results = self.Lead._crm_ops_capture_batch(
            [
                {"email": "ok1@shop.example", "contact_name": "One"},
                {"email": "broken", "contact_name": "Two"},
                {"email": "ok3@shop.example", "contact_name": "Three"},
            ],
            "api",
        )
        self.assertEqual([r["status"] for r in results], ["created", "error", "created"])
        self.assertIn("email", results[1]["errors"])

    def test_utm_and_tags(self):
        tag = self.env["crm.tag"].create({"name": "Spring"})
        result = self.Lead._crm_ops_capture(
            {
                "email": "u@utm.example",
                "contact_name": "U",
                "utm_source": "newsletter",
                "utm_medium": "email",
                "utm_campaign": "spring-2026",
                "tag_names": ["Spring"],
            },
            "web_form",
        )
        lead = self.env["crm.lead"].browse(result["id"])
        self.assertEqual(lead.source_id.name.lower(), "newsletter")
        self.assertEqual(lead.medium_id.name.lower(), "email")
        self.assertEqual(lead.campaign_id.name, "spring-2026")
        self.assertEqual(lead.tag_ids, tag)


@tagged("crm_ops_capture")
class TestCaptureEmail(CrmOpsCaptureCommon):
    def test_mail_to_team_alias_extracts_signature_and_links(self):
        body = """<p>Hello, we need 40 chairs for our new office.</p>
        <p>Best regards,<br/>Laura García<br/>Acme Iberia S.L.<br/>Tel: +34 600 12 34 56<br/>
        www.acme-iberia.es</p>"""
        lead = self.env["crm.lead"].message_new(
            {
                "subject": "Chairs",
                "from": "Laura <laura.g@gmail.com>",
                "email_from": "laura.g@gmail.com",
                "body": body,
            },
            {"company_id": self.company_a.id},
        )
        self.assertEqual(lead.crm_ops_channel, "email")
        self.assertEqual(lead.phone, "+34600123456")
        self.assertEqual(lead.crm_ops_domain, "acme-iberia.es")
        self.assertEqual(lead.partner_id, self.contact, lead.crm_ops_dedup_reason)


@tagged("crm_ops_capture")
class TestCaptureImport(CrmOpsCaptureCommon):
    def _import(self, content, filename="leads.csv"):
        imp = (
            self.env["crm.lead.import"]
            .with_user(self.user_a)
            .create({"file": base64.b64encode(content), "filename": filename})
        )
        imp.action_load()
        return imp

    def test_csv_import_valid_and_rejected_rows(self):
        content = (
            "Name;E-mail;Phone;Company\n"
            "Ana López;ana@lopez.example;600 11 22 33;López SL\n"
            "Bad Row;not-an-email;;Broken\n"
            "Laura Garcia;laura.garcia@acme-iberia.es;;Acme\n"
            ";;;\n"
            "Joan;joan@x.example;12;\n"
        ).encode()
        imp = self._import(content)
        self.assertEqual(imp.state, "mapped")
        self.assertEqual(
            imp.column_ids.mapped("target"), ["contact_name", "email", "phone", "partner_name"]
        )
        self.assertIn("ana@lopez.example", imp.preview_html)
        imp.action_import()
        self.assertEqual(imp.state, "done")
        self.assertEqual(imp.row_count, 4)
        self.assertEqual((imp.created_count, imp.linked_count, imp.error_count), (1, 1, 2))
        self.assertEqual(imp.progress, 100.0)
        self.assertEqual(imp.error_ids.mapped("row_number"), [3, 6])
        errors = base64.b64decode(imp.error_file).decode()
        self.assertIn("not-an-email", errors)
        self.assertIn("email", errors)
        self.assertTrue(imp.action_download_errors()["url"].endswith("?download=true"))

    def test_latin1_file_is_decoded(self):
        imp = self._import("name,email\nJosé Muñoz,jose@m.example\n".encode("cp1252"))
        imp.action_import()
        lead = self.env["crm.lead"].search([("email_from", "=", "jose@m.example")])
        self.assertEqual(lead.contact_name, "José Muñoz")

    def test_broken_file_gives_a_clear_error(self):
        imp = self.env["crm.lead.import"].create(
            {"file": base64.b64encode(b"\xff\xfe\x00\x00garbage\x00"), "filename": "x.xlsx"}
        )
        with self.assertRaisesRegex(UserError, "Excel file could not be read"):
            imp.action_load()
        imp = self.env["crm.lead.import"].create(
            {"file": base64.b64encode(b""), "filename": "x.csv"}
        )
        with self.assertRaisesRegex(UserError, "empty"):
            imp.action_load()

    def test_import_requires_email_or_phone_column(self):
        imp = self._import(b"name,city\nA,B\n")
        with self.assertRaisesRegex(UserError, "email or phone"):
            imp.action_import()

    def test_xlsx_import(self):
        import io

        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Contact", "Email"])
        sheet.append(["Eva Xlsx", "eva@xlsx.example"])
        buf = io.BytesIO()
        book.save(buf)
        imp = self._import(buf.getvalue(), "leads.xlsx")
        imp.action_import()
        self.assertEqual(imp.created_count, 1)

    def test_large_import_goes_to_queue_job_in_chunks(self):
        from odoo.addons.queue_job.tests.common import trap_jobs

        rows = "\n".join(f"Person {i},p{i}@bulk.example" for i in range(1200))
        imp = self._import(f"name,email\n{rows}\n".encode())
        with trap_jobs() as trap:
            imp.action_import()
            trap.assert_jobs_count(3)
            self.assertEqual(imp.state, "running")
            trap.perform_enqueued_jobs()
        imp.invalidate_recordset()
        self.assertEqual(imp.state, "done")
        self.assertEqual(imp.created_count, 1200)


@tagged("crm_ops_capture")
class TestCaptureRules(CrmOpsCaptureCommon):
    def test_mailing_responders_become_leads_once(self):
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "Spring",
                "body_html": "<p>Hi</p>",
                "mailing_model_id": self.env.ref("base.model_res_partner").id,
            }
        )
        other = self.env["res.partner"].create({"name": "Silent", "email": "s@x.example"})
        self.env["mailing.trace"].create(
            [
                {
                    "mass_mailing_id": mailing.id,
                    "model": "res.partner",
                    "res_id": self.contact.id,
                    "email": self.contact.email,
                    "links_click_datetime": "2026-01-01 10:00:00",
                },
                {
                    "mass_mailing_id": mailing.id,
                    "model": "res.partner",
                    "res_id": other.id,
                    "email": other.email,
                },
            ]
        )
        rule = self.env["crm.capture.rule"].create(
            {"name": "Clicked spring", "mailing_ids": [(6, 0, mailing.ids)]}
        )
        self.assertEqual(rule.action_run(), 1)
        self.assertEqual(rule.lead_ids.partner_id, self.contact)
        self.assertEqual(rule.lead_ids.crm_ops_channel, "campaign")
        self.assertEqual(rule.action_run(), 0, "no second open opportunity for the same partner")
        rule.lead_ids.action_set_lost()
        self.assertEqual(rule.action_run(), 1, "a lost one does not block a new one")

    def test_lapsed_category_customers(self):
        categ = self.env["product.category"].create({"name": "Chairs"})
        product = self.env["product.product"].create({"name": "Chair", "categ_id": categ.id})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.contact.id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        order.date_order = "2020-01-01 00:00:00"
        rule = self.env["crm.capture.rule"].create(
            {
                "name": "Chairs lapsed",
                "rule_type": "lapsed_category",
                "product_category_id": categ.id,
                "days": 365,
            }
        )
        self.assertEqual(rule.action_run(), 1)
        self.assertEqual(rule.lead_ids.crm_ops_channel, "purchase")
        rule.days = 100000
        rule.lead_ids.action_set_lost()
        self.assertEqual(rule.action_run(), 0, "a recent enough purchase is not lapsed")

    def test_negative_days_rejected(self):
        with self.assertRaises(Exception), self.cr.savepoint(), mute_logger("odoo.sql_db"):
            self.env["crm.capture.rule"].create({"name": "x", "days": -1})


@tagged("crm_ops_capture")
class TestDeduplicationQuality(CrmOpsCaptureCommon):
    def test_precision_and_recall_on_generated_duplicates(self):
        """Variants of known customers must be linked to them, strangers must not."""
        rng = random.Random(7)
        first = [
            "Ana",
            "Marc",
            "Giulia",
            "Pierre",
            "John",
            "Laia",
            "Marco",
            "Sophie",
            "Jordi",
            "Elena",
        ]
        last = ["Puig", "Rossi", "Martin", "Smith", "Ferrer", "Bianchi", "Dubois", "Vidal", "Costa"]
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"{f} {ln}",
                    "email": f"{f}.{ln}{i}@mail{i % 7}.example".lower(),
                    "phone": f"+34 6{i:08d}",
                    "company_id": self.company_a.id,
                }
                for i, (f, ln) in enumerate(
                    (rng.choice(first), rng.choice(last)) for _ in range(120)
                )
            ]
        )
        tp = fp = fn = 0
        for i, partner in enumerate(partners[:60]):
            variant = {
                0: {"email": partner.email.upper(), "contact_name": partner.name},
                1: {
                    "phone": partner.phone.replace("+34 ", "0034 "),
                    "contact_name": partner.name.lower(),
                },
                2: {"email": f"  {partner.email} ", "contact_name": partner.name.split()[0]},
            }[i % 3]
            result = self.Lead._crm_ops_capture(variant, "import")
            if result["partner_id"] == partner.id:
                tp += 1
            elif result["partner_id"]:
                fp += 1
            else:
                fn += 1
        for i in range(40):
            result = self.Lead._crm_ops_capture(
                {
                    "email": f"stranger{i}@new{i}.example",
                    "contact_name": f"{rng.choice(first)} Zed{i}",
                    "phone": f"+39 333 {i:07d}",
                },
                "import",
            )
            fp += bool(result["partner_id"])
        precision = tp / (tp + fp)
        recall = tp / (tp + fn)
        _logger.info(
            "de-duplication: precision %.3f, recall %.3f (tp=%s fp=%s fn=%s)",
            precision,
            recall,
            tp,
            fp,
            fn,
        )
        self.assertGreaterEqual(precision, 0.95)
        self.assertGreaterEqual(recall, 0.9)


@tagged("crm_ops_capture")
class TestCaptureSettings(CrmOpsCaptureCommon):
    def test_settings_form_edits_thresholds(self):
        with Form(self.env["res.config.settings"]) as settings:
            settings.crm_ops_link_threshold = 70
        self.assertEqual(self.env.company.crm_ops_link_threshold, 70)
