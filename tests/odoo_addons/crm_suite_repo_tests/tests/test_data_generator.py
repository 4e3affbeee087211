# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tests of the data generator of the repository (tools/generate_data.py)."""

import io
import subprocess
import sys
from datetime import date
from decimal import Decimal

# datagen is the repository's tools/datagen: tests/__init__.py imports .common first, which
# puts tools/ on sys.path
from datagen import DataGenError, Progress, generate
from datagen.generator import DUP_TABLE, _fold
from datagen.vocab import COUNTRIES
from rapidfuzz import fuzz

from odoo.tests import TransactionCase, tagged

from .common import TOOLS

END = date(2025, 12, 31)
SIZE = dict(
    partners=400,
    orders=1500,
    leads=120,
    tickets=150,
    mailings=4,
    traces=600,
    years=3,
    seed=7,
    duplicates=0.05,
    end_date=END,
)


@tagged("post_install", "-at_install")
class TestDataGenerator(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.result = generate(cls.env, **SIZE)
        cls.first = cls.result["first_ids"]

    # ------------------------------------------------------------------ helpers
    def _sql(self, query, params=()):
        self.env.cr.execute(query, params)
        return self.env.cr.fetchall()

    def _fingerprint(self, result):
        """md5 of the generated rows with ids made relative to the run's first ids."""
        f = result["first_ids"]
        p, o, t = f["res_partner"], f["sale_order"], f["mailing_trace"]
        parts = self._sql(
            """
            SELECT md5(string_agg(concat_ws('|', id - %(p)s, name, email, phone, country_id,
                                  city, parent_id - %(p)s, is_company, create_date), ';'
                                  ORDER BY id))
              FROM res_partner WHERE id >= %(p)s
            UNION ALL
            SELECT md5(string_agg(concat_ws('|', id - %(o)s, partner_id - %(p)s, date_order,
                                  state, amount_total, company_id), ';' ORDER BY id))
              FROM sale_order WHERE id >= %(o)s
            UNION ALL
            SELECT md5(string_agg(concat_ws('|', order_id - %(o)s, product_id, product_uom_qty,
                                  price_unit, discount), ';' ORDER BY id))
              FROM sale_order_line WHERE order_id >= %(o)s
            UNION ALL
            SELECT md5(string_agg(concat_ws('|', name, email_from, phone, stage_id,
                                  probability, expected_revenue, create_date), ';' ORDER BY id))
              FROM crm_lead WHERE id >= %(l)s
            UNION ALL
            SELECT md5(string_agg(concat_ws('|', partner_id - %(p)s, type_id, stage_id, name,
                                  create_date), ';' ORDER BY id))
              FROM helpdesk_ticket WHERE id >= %(h)s
            UNION ALL
            SELECT md5(string_agg(concat_ws('|', res_id - %(p)s, trace_status, sent_datetime,
                                  open_datetime, links_click_datetime), ';' ORDER BY id))
              FROM mailing_trace WHERE id >= %(t)s
            """,
            dict(p=p, o=o, t=t, l=f["crm_lead"], h=f["helpdesk_ticket"]),
        )
        return [r[0] for r in parts]

    def _assert_orm_agrees(self, records, fnames):
        """Recompute stored computed fields with the ORM: same values as bulk-loaded."""
        records.invalidate_recordset()
        stored = {f: [records._fields[f].convert_to_read(r[f], r) for r in records] for f in fnames}
        for f in fnames:
            self.env.add_to_compute(records._fields[f], records)
        for f in fnames:
            computed = [records._fields[f].convert_to_read(r[f], r) for r in records]
            for rec, a, b in zip(records, stored[f], computed):
                if isinstance(a, float) or isinstance(b, float):
                    self.assertAlmostEqual(
                        a or 0.0, b or 0.0, places=2, msg=f"{rec} {f}: stored {a!r} computed {b!r}"
                    )
                else:
                    self.assertEqual(a, b, f"{rec} {f}: stored {a!r}, ORM computes {b!r}")

    # ------------------------------------------------------------------ counts
    def test_counts_asked_are_created(self):
        r = self.result
        self.assertEqual(
            (r["partners"], r["orders"], r["leads"], r["tickets"]), (400, 1500, 120, 150)
        )
        self.assertEqual(r["traces"], 600)
        tables = {
            "res_partner": 400,
            "sale_order": 1500,
            "crm_lead": 120,
            "helpdesk_ticket": 150,
            "mailing_trace": 600,
        }
        for table, expected in tables.items():
            ((count,),) = self._sql(
                f"SELECT count(*) FROM {table} WHERE id >= %s", (self.first[table],)
            )
            self.assertEqual(count, expected, table)
        self.assertEqual(
            self.env["sale.order"].search_count([("id", ">=", self.first["sale_order"])]),
            1500,
            "orders are visible to the ORM",
        )
        mailings = self.env["mailing.mailing"].search(
            [("subject", "ilike", "(")], limit=4, order="id desc"
        )
        self.assertEqual(len(mailings), 4)

    def test_lines_and_totals_are_consistent(self):
        rows = self._sql(
            """
            SELECT o.id, o.amount_untaxed, o.amount_tax, o.amount_total,
                   count(l.id), coalesce(sum(l.price_subtotal), 0)
              FROM sale_order o LEFT JOIN sale_order_line l ON l.order_id = o.id
             WHERE o.id >= %s GROUP BY o.id""",
            (self.first["sale_order"],),
        )
        self.assertEqual(len(rows), 1500)
        for oid, untaxed, tax, total, n_lines, lines_sum in rows:
            self.assertGreaterEqual(n_lines, 1, f"order {oid} has no line")
            # Odoo rounds the order total from the raw line amounts: a cent per line at most
            self.assertLessEqual(
                abs(untaxed - lines_sum), Decimal("0.01") * n_lines, f"order {oid}"
            )
            self.assertEqual(total, untaxed + tax, f"order {oid}")
        lines = sum(r[4] for r in rows)
        self.assertEqual(lines, self.result["order_lines"])
        self.assertTrue(2.0 < lines / 1500 < 3.0, "about 2.5 lines per order")
        states = dict(
            self._sql(
                "SELECT state, count(*) FROM sale_order WHERE id >= %s GROUP BY state",
                (self.first["sale_order"],),
            )
        )
        self.assertGreater(states["sale"], 0.8 * 1500)
        self.assertGreater(states.get("cancel", 0), 0)
        names = self._sql(
            "SELECT count(DISTINCT name) FROM sale_order WHERE id >= %s",
            (self.first["sale_order"],),
        )[0][0]
        self.assertEqual(names, 1500, "order names are unique")
        # the next order created through the ORM does not reuse a generated name
        order = self.env["sale.order"].create({"partner_id": self.first["res_partner"]})
        self.assertEqual(
            self._sql("SELECT count(*) FROM sale_order WHERE name = %s", (order.name,))[0][0], 1
        )

    def test_orm_recomputes_the_same_values(self):
        Partner, Order, Line, Lead = (
            self.env[m] for m in ("res.partner", "sale.order", "sale.order.line", "crm.lead")
        )
        partners = Partner.search([("id", ">=", self.first["res_partner"])])
        self._assert_orm_agrees(
            partners,
            [
                "commercial_partner_id",
                "complete_name",
                "commercial_company_name",
                "email_normalized",
                "phone_sanitized",
            ],
        )
        orders = Order.search([("id", ">=", self.first["sale_order"])], limit=300)
        self._assert_orm_agrees(
            orders,
            ["amount_untaxed", "amount_tax", "amount_total", "invoice_status", "currency_id"],
        )
        lines = Line.search([("order_id", "in", orders.ids)])
        self._assert_orm_agrees(
            lines,
            [
                "price_subtotal",
                "price_total",
                "price_tax",
                "price_reduce_taxexcl",
                "qty_to_invoice",
                "invoice_status",
                "untaxed_amount_to_invoice",
                "state",
            ],
        )
        leads = Lead.with_context(active_test=False).search([("id", ">=", self.first["crm_lead"])])
        self._assert_orm_agrees(
            leads,
            [
                "email_normalized",
                "phone_sanitized",
                "email_domain_criterion",
                "email_state",
                "phone_state",
                "won_status",
                "prorated_revenue",
                "day_close",
            ],
        )

    def test_phone_plans_are_valid_numbers(self):
        import phonenumbers

        for code, conf in COUNTRIES.items():
            for prefix, digits in conf["phones"]:
                for filler in ("2" * digits, "5" * digits, "9" * digits):
                    number = phonenumbers.parse(f"+{conf['dial']}{prefix}{filler}", None)
                    self.assertTrue(phonenumbers.is_valid_number(number), (code, prefix))

    # ------------------------------------------------------------------ duplicates
    def test_duplicates_are_recorded_and_look_alike(self):
        rows = self._sql(
            f"""
            SELECT d.variation, p.name, o.name, p.email_normalized, o.email_normalized,
                   p.phone_sanitized, o.phone_sanitized, p.phone, o.phone, p.id, o.id
              FROM {DUP_TABLE} d
              JOIN res_partner p ON p.id = d.partner_id
              JOIN res_partner o ON o.id = d.original_id
             WHERE d.partner_id >= %s""",
            (self.first["res_partner"],),
        )
        self.assertEqual(len(rows), 20, "5% of 400 partners")
        self.assertEqual(self.result["duplicates"], 20)
        same_contact = 0
        for variation, name, oname, mail, omail, san, osan, _phone, _ophone, pid, oid in rows:
            self.assertNotEqual(pid, oid)
            self.assertGreater(pid, oid, "a duplicate is entered after its original")
            score = fuzz.token_sort_ratio(_fold(name).lower(), _fold(oname).lower())
            self.assertGreaterEqual(score, 70, f"{name!r} vs {oname!r} ({variation})")
            if (mail and mail == omail) or (san and san == osan):
                same_contact += 1
            if "phone" in variation:
                self.assertEqual(san, osan)
        self.assertGreater(same_contact, 5, "duplicates often share an e-mail or a phone")
        # messy formats on purpose
        emails = [
            r[0]
            for r in self._sql(
                "SELECT email FROM res_partner WHERE id >= %s AND email IS NOT NULL",
                (self.first["res_partner"],),
            )
        ]
        self.assertTrue(any(e != e.strip() for e in emails), "emails with spaces")
        self.assertTrue(any(e != e.lower() and "<" not in e for e in emails), "mixed case")
        phones = [
            r[0]
            for r in self._sql(
                "SELECT phone FROM res_partner WHERE id >= %s AND phone IS NOT NULL",
                (self.first["res_partner"],),
            )
        ]
        self.assertTrue(any(p.startswith("+") for p in phones))
        self.assertTrue(any(p.startswith("0") and not p.startswith("00") for p in phones))
        self.assertTrue(any(p.startswith("00") for p in phones))

    # ------------------------------------------------------------------ time patterns
    def test_orders_show_seasonality_and_heterogeneous_customers(self):
        rows = self._sql(
            """
            SELECT extract(month FROM date_order)::int, count(*) FROM sale_order
             WHERE id >= %s AND date_order >= '2023-01-01' GROUP BY 1""",
            (self.first["sale_order"],),
        )
        by_month = dict(rows)
        self.assertGreater(by_month[12], 1.5 * by_month[7], by_month)
        self.assertGreater(by_month[11], by_month[8], by_month)
        first_date, last_date = self._sql(
            "SELECT min(date_order), max(date_order) FROM sale_order WHERE id >= %s",
            (self.first["sale_order"],),
        )[0]
        self.assertGreaterEqual(first_date.date(), date(2022, 12, 31))
        self.assertLessEqual(last_date.date(), END)
        yearly = dict(
            self._sql(
                """
            SELECT extract(year FROM date_order)::int, count(*) FROM sale_order
             WHERE id >= %s GROUP BY 1""",
                (self.first["sale_order"],),
            )
        )
        self.assertGreater(yearly[2025], yearly[2023], "slight growth")
        counts = [
            r[0]
            for r in self._sql(
                """
            SELECT count(*) FROM sale_order WHERE id >= %s GROUP BY partner_id""",
                (self.first["sale_order"],),
            )
        ]
        mean = sum(counts) / len(counts)
        var = sum((c - mean) ** 2 for c in counts) / len(counts)
        self.assertGreater(var, 2 * mean, "over-dispersed purchase counts (gamma rates)")
        self.assertGreater(sum(1 for c in counts if c == 1), 10, "one-time buyers")
        self.assertGreater(max(counts), 5 * mean, "a few heavy buyers")

    # ------------------------------------------------------------------ helpdesk, mailing
    def test_tickets_have_complaints_linked_to_orders(self):
        complaint = self.env["helpdesk.ticket.type"].search([("name", "=", "Complaint")])
        self.assertEqual(len(complaint), 1)
        tickets = self.env["helpdesk.ticket"].search([("id", ">=", self.first["helpdesk_ticket"])])
        self.assertEqual(len(tickets), 150)
        complaints = tickets.filtered(lambda t: t.type_id == complaint)
        self.assertTrue(10 < len(complaints) < 60, len(complaints))
        linked = tickets.filtered("sale_order_ids")
        self.assertTrue(linked)
        for ticket in linked:
            self.assertEqual(ticket.sale_order_ids.partner_id, ticket.partner_id)
            self.assertGreaterEqual(ticket.create_date, ticket.sale_order_ids.date_order)
        self.assertEqual(len(set(tickets.mapped("number"))), 150)
        self.assertNotIn("/", tickets.mapped("number"))
        self.assertTrue(tickets.filtered("closed_date"))

    def test_mailings_have_opens_clicks_bounces(self):
        statuses = dict(
            self._sql(
                "SELECT trace_status, count(*) FROM mailing_trace WHERE id >= %s GROUP BY 1",
                (self.first["mailing_trace"],),
            )
        )
        for status in ("sent", "open", "bounce"):
            self.assertIn(status, statuses)
        self.assertGreater(self.result["clicks"], 0)
        mailing_ids = [
            r[0]
            for r in self._sql(
                "SELECT DISTINCT mass_mailing_id FROM mailing_trace WHERE id >= %s",
                (self.first["mailing_trace"],),
            )
        ]
        mailings = self.env["mailing.mailing"].browse(mailing_ids)
        self.assertEqual(len(mailings), 4)
        self.assertTrue(all(m.state == "done" for m in mailings))
        self.assertGreater(sum(mailings.mapped("opened")), 0)
        self.assertGreater(sum(mailings.mapped("clicked")), 0)
        self.assertGreater(sum(mailings.mapped("bounced")), 0)
        bounced = self._sql(
            "SELECT count(*) FROM res_partner WHERE id >= %s AND message_bounce > 0",
            (self.first["res_partner"],),
        )[0][0]
        self.assertGreater(bounced, 0)

    # ------------------------------------------------------------------ determinism
    def test_same_seed_same_data(self):
        reference = self._fingerprint(self.result)
        with self.env.cr.savepoint(flush=False) as sp:
            again = generate(self.env, **SIZE)
            self.assertEqual(self._fingerprint(again), reference)
            sp.rollback()
        with self.env.cr.savepoint(flush=False) as sp:
            other = generate(self.env, **dict(SIZE, seed=8))
            fingerprint = self._fingerprint(other)
            self.assertEqual(len(fingerprint), len(reference))
            for a, b in zip(fingerprint, reference):
                self.assertNotEqual(a, b)
            sp.rollback()

    def test_indexes_are_rebuilt_after_a_bulk_load(self):
        query = "SELECT indexname FROM pg_indexes WHERE tablename = 'sale_order' ORDER BY 1"
        before = self._sql(query)
        out = io.StringIO()
        result = generate(
            self.env,
            partners=50,
            orders=60,
            leads=5,
            tickets=5,
            mailings=1,
            traces=20,
            seed=3,
            end_date=END,
            drop_indexes=True,
            progress=Progress(300, stream=out),
        )
        self.assertEqual(self._sql(query), before)
        self.assertEqual(result["orders"], 60)
        text = out.getvalue()
        for word in ("partners", "orders", "rows/s", "ETA", "%"):
            self.assertIn(word, text)

    # ------------------------------------------------------------------ bad input
    def test_bad_input_is_refused_clearly(self):
        with self.assertRaisesRegex(DataGenError, "unknown company 'Nowhere Ltd'.*existing"):
            generate(self.env, partners=10, orders=10, companies=["Nowhere Ltd"])
        self.assertIn(self.env.company.name, self._error(companies=["Nowhere Ltd"]))
        with self.assertRaisesRegex(DataGenError, "partners must be >= 0"):
            generate(self.env, partners=-5, orders=10)
        with self.assertRaisesRegex(DataGenError, "orders must be an integer"):
            generate(self.env, partners=10, orders=2.5)
        with self.assertRaisesRegex(DataGenError, "years must be >= 1"):
            generate(self.env, partners=10, orders=10, years=0)
        with self.assertRaisesRegex(DataGenError, "duplicates"):
            generate(self.env, partners=10, orders=10, duplicates=0.9)

    def _error(self, **kwargs):
        try:
            generate(self.env, partners=10, orders=10, **kwargs)
        except DataGenError as exc:
            return str(exc)
        return ""

    def test_command_line_exits_2_on_bad_scale(self):
        script = TOOLS / "generate_data.py"
        for args, message in (
            (["--partners", "-5"], "must be >= 0"),
            (["--orders", "ten"], "not an integer"),
            (["--duplicates", "2"], "between 0 and 0.5"),
        ):
            proc = subprocess.run(
                [sys.executable, str(script), "-d", "nodb", *args],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertIn(message, proc.stderr)
