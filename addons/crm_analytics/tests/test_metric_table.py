from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..tools.pg_copy import PARALLEL_SETTINGS, copy_from, copy_to, parallel_plans


@tagged("crm_analytics_run")
class TestMetricTable(TransactionCase):
    """crm.customer.metric is laid out by its init() (``_auto = False``): the columns
    and indexes the ORM would make, no foreign keys."""

    def _rows(self, query):
        self.env.cr.execute(query)
        return self.env.cr.fetchall()

    def test_columns_follow_the_fields(self):
        Metric = self.env["crm.customer.metric"]
        columns = dict(
            self._rows(
                SQL(
                    "SELECT column_name, is_nullable FROM information_schema.columns"
                    " WHERE table_name = %s",
                    Metric._table,
                )
            )
        )
        stored = {
            name: field
            for name, field in Metric._fields.items()
            if field.store and field.column_type
        }
        self.assertEqual(set(columns), set(stored))
        for name, field in stored.items():
            self.assertEqual(columns[name] == "NO", bool(field.required or name == "id"), name)

    def test_indexes_and_no_foreign_keys(self):
        table = self.env["crm.customer.metric"]._table
        indexes = dict(
            self._rows(
                SQL("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", table)
            )
        )
        self.assertIn("UNIQUE INDEX", indexes[f"{table}_partner_run_key"])
        self.assertIn("WHERE (cluster_id IS NOT NULL)", indexes[f"{table}_cluster_id_index"])
        foreign = self._rows(
            SQL(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
                table,
            )
        )
        self.assertEqual(foreign, [])

    def test_copy_flushes_pending_writes(self):
        """COPY into a model's table comes after the model's pending ORM writes."""
        Metric = self.env["crm.customer.metric"]
        partner = self.env["res.partner"].create({"name": "Copy"})
        company = self.env.company.id
        metric = Metric.create({"partner_id": partner.id, "company_id": company, "frequency": 1})
        metric.frequency = 2  # pending in the cache until flushed
        copy_from(
            Metric, ["partner_id", "company_id", "frequency"], f"{partner.id}\t{company}\t7\n"
        )
        out = copy_to(
            self.env.cr,
            SQL(
                "SELECT frequency FROM crm_customer_metric WHERE partner_id = %s ORDER BY id",
                partner.id,
            ),
        )
        self.assertEqual(out.getvalue(), "2\n7\n")
        self.assertEqual(
            Metric.search([("partner_id", "=", partner.id)]).mapped("frequency"), [2, 7]
        )

    def test_bulk_reads_plan_in_parallel_and_restore_the_settings(self):
        """The analytics' COPY reads make parallel plans cheap for their own query only."""
        cr = self.env.cr
        cr.execute("SET LOCAL parallel_setup_cost = 123")
        with parallel_plans(cr):
            for name, value in PARALLEL_SETTINGS.items():
                cr.execute(SQL("SELECT current_setting(%s)", name))
                self.assertEqual(cr.fetchone()[0], value)
            # a table too small for a parallel scan is still read serially
            cr.execute("EXPLAIN SELECT count(*) FROM res_country")
            self.assertNotIn("Gather", "\n".join(row[0] for row in cr.fetchall()))
        cr.execute("SELECT current_setting('parallel_setup_cost')")
        self.assertEqual(cr.fetchone()[0], "123")
        cr.execute("SELECT current_setting('parallel_tuple_cost')")
        tuple_cost = cr.fetchone()[0]
        out = copy_to(cr, SQL("SELECT current_setting('parallel_tuple_cost')"))
        self.assertEqual(out.getvalue(), PARALLEL_SETTINGS["parallel_tuple_cost"] + "\n")
        cr.execute("SELECT current_setting('parallel_tuple_cost')")
        self.assertEqual(cr.fetchone()[0], tuple_cost)
