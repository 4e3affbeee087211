# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.crm_collab_agreement import SHARED_MODELS
from .common import CollabCase


@tagged("crm_collab_security")
class TestShareCache(CollabCase):
    """``collab_agreement_ids`` on the shared tables is a cache of the share table."""

    def cache_of(self, records):
        records.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id, collab_agreement_ids FROM %s WHERE id = ANY(%s)",
                SQL.identifier(records._table),
                records.ids,
            )
        )
        return {rid: sorted(ids or []) for rid, ids in self.env.cr.fetchall()}

    def assertCacheAgrees(self):
        """Every shareable table holds, per row, exactly the agreements of its shares."""
        self.env.flush_all()
        cr = self.env.cr
        for model, _label in SHARED_MODELS:
            table = self.env[model]._table
            cr.execute(
                SQL(
                    """
                SELECT s.res_id, array_agg(s.agreement_id ORDER BY s.agreement_id)
                  FROM crm_collab_share s JOIN %s t ON t.id = s.res_id
                 WHERE s.res_model = %s GROUP BY s.res_id""",
                    SQL.identifier(table),
                    model,
                )
            )
            expected = dict(cr.fetchall())
            cr.execute(
                SQL(
                    "SELECT id, collab_agreement_ids FROM %s WHERE collab_agreement_ids IS NOT NULL",
                    SQL.identifier(table),
                )
            )
            self.assertEqual(dict(cr.fetchall()), expected, f"cache of {model}")

    def test_cache_follows_the_life_cycle(self):
        read = self.make_agreement()
        write = self.make_agreement(domain=f"[('id', '=', {self.north[0].id})]", access="write")
        leads = self.make_agreement(
            res_model="crm.lead", domain=f"[('id', '=', {self.lead_north.id})]"
        )
        self.assertCacheAgrees()
        self.assertEqual(
            self.cache_of(self.north[0]), {self.north[0].id: sorted([read.id, write.id])}
        )
        self.assertEqual(self.cache_of(self.lead_north), {self.lead_north.id: [leads.id]})
        self.assertEqual(self.cache_of(self.south), {p.id: [] for p in self.south})

        read.with_user(self.admin_b).action_suspend()
        self.assertCacheAgrees()
        self.assertEqual(
            self.cache_of(self.north),
            {self.north[0].id: [write.id], self.north[1].id: [], self.north[2].id: []},
        )
        # revocation is one DELETE: the revoked id stays in the cache, inert, until the purge
        write.with_user(self.admin_a).action_revoke()
        self.assertEqual(self.cache_of(self.north[0]), {self.north[0].id: [write.id]})
        Partner = self.as_user("res.partner", self.user_b)
        self.assertFalse(Partner.search([("id", "in", self.north.ids)]))
        self.assertFalse(Partner.browse(self.north.ids)._filtered_access("write"))
        self.assertFalse(
            Partner.search([("id", "in", self.north.ids), ("collab_shared", "=", True)])
        )
        self.assertEqual(self.env["crm.collab.agreement"]._collab_purge_ended(), 1)
        self.assertCacheAgrees()
        self.assertEqual(self.cache_of(self.north), {p.id: [] for p in self.north})

        leads.sudo().date_end = "2020-01-01"
        self.assertFalse(
            self.as_user("crm.lead", self.user_b).search([("id", "=", self.lead_north.id)]),
            "out of its dates, the agreement stops sharing before the cron runs",
        )
        self.env["crm.collab.agreement"]._cron_refresh()  # expires, then purges
        self.assertEqual(leads.state, "expired")
        self.assertCacheAgrees()
        self.assertEqual(self.cache_of(self.lead_north), {self.lead_north.id: []})

    def test_purge_by_batches(self):
        agreement = self.make_agreement()
        agreement.with_user(self.admin_a).action_revoke()
        self.assertEqual(self.env["crm.collab.agreement"]._collab_purge_ended(batch_size=2), 3)
        self.assertCacheAgrees()

    def test_domain_change_drops_the_old_records(self):
        """Suspend, narrow the domain, re-activate: the records no longer covered lose
        the agreement, in the cache and so for the partner's users."""
        agreement = self.make_agreement()
        agreement.with_user(self.admin_b).action_suspend()
        agreement.with_user(self.admin_a).write({"domain": f"[('id', '=', {self.north[0].id})]"})
        agreement.with_user(self.admin_a).action_propose()
        agreement.with_user(self.admin_b).action_accept()
        self.assertCacheAgrees()
        visible = self.as_user("res.partner", self.user_b).search([("id", "in", self.north.ids)])
        self.assertEqual(visible, self.north[0])

    def test_refresh_follows_the_records(self):
        agreement = self.make_agreement()
        self.north[2].category_id = False
        agreement.with_user(self.admin_a).action_refresh()
        self.assertCacheAgrees()
        self.assertEqual(self.cache_of(self.north[2]), {self.north[2].id: []})
        self.assertFalse(
            self.as_user("res.partner", self.user_b).search([("id", "=", self.north[2].id)])
        )

    def test_rebuild_repairs_the_cache(self):
        agreement = self.make_agreement()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET collab_agreement_ids = NULL WHERE id = %s", self.north[1].id
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET collab_agreement_ids = ARRAY[%s] WHERE id = %s",
                agreement.id,
                self.south[0].id,
            )
        )
        self.assertEqual(self.env["res.partner"]._collab_rebuild_cache(), 2)
        self.assertCacheAgrees()

    def test_write_mode_needs_a_write_agreement(self):
        self.make_agreement()
        self.make_agreement(domain=f"[('id', '=', {self.north[0].id})]", access="write")
        Partner = self.as_user("res.partner", self.user_b)
        Partner.browse(self.north[0].id).write({"phone": "+32 2 000 00 00"})
        self.assertEqual(self.north[0].phone, "+32 2 000 00 00")
        self.assertEqual(
            Partner.browse(self.north.ids)._filtered_access("write"),
            Partner.browse(self.north[0].id),
        )

    def test_shared_with_me_filter(self):
        self.make_agreement()
        Partner = self.as_user("res.partner", self.user_b)
        candidates = self.north | self.south | self.b_partner
        self.assertEqual(
            Partner.search([("id", "in", candidates.ids), ("collab_shared", "=", True)]).ids,
            Partner.browse(self.north.ids).sorted().ids,
        )
        self.assertEqual(
            Partner.search([("id", "in", candidates.ids), ("collab_shared", "=", False)]),
            Partner.browse(self.b_partner.id),
        )

    def test_definition_change_applies_at_once(self):
        """The rule lists the agreements per company and access level: changing them on
        an active agreement takes effect immediately."""
        agreement = self.make_agreement(access="write")
        Partner = self.as_user("res.partner", self.user_b)
        self.assertEqual(
            Partner.browse(self.north.ids)._filtered_access("write").ids, self.north.ids
        )
        agreement.with_user(self.admin_a).write({"access_level": "read"})
        # a changed agreement waits for the partner's acceptance: nothing shared meanwhile
        self.assertEqual(agreement.state, "proposed")
        self.assertFalse(Partner.search([("id", "in", self.north.ids)]))
        agreement.with_user(self.admin_b).action_accept()
        self.assertFalse(Partner.browse(self.north.ids)._filtered_access("write"))
        self.assertEqual(
            Partner.search([("id", "in", self.north.ids)]).ids,
            Partner.browse(self.north.ids).sorted().ids,
        )
        agreement.with_user(self.admin_a).write({"partner_company_id": self.company_c.id})
        self.assertFalse(Partner.search([("id", "in", self.north.ids)]))
        agreement.with_user(self.admin_c).action_accept()
        self.assertEqual(
            len(self.as_user("res.partner", self.user_c).search([("id", "in", self.north.ids)])), 3
        )
        self.assertCacheAgrees()


@tagged("crm_collab_security")
class TestRuleCache(CollabCase):
    """The record rules' cache never outlives an agreement's state: it is keyed by the
    agreements valid in the reading transaction."""

    def visible(self, env, records):
        return env["res.partner"].search([("id", "in", records.ids)])

    def fresh_env(self, user):
        return api.Environment(self.env.cr, user.id, {"allowed_company_ids": user.company_id.ids})

    def test_read_right_after_accept_and_revoke(self):
        agreement = self.make_agreement(activate=False)
        agreement.action_propose()
        env_b = self.as_user("res.partner", self.user_b).env
        self.assertFalse(self.visible(env_b, self.north))
        agreement.with_user(self.admin_b).action_accept()
        # same transaction: the environment that read before, and a new one
        for env in (env_b, self.fresh_env(self.user_b)):
            self.assertEqual(self.visible(env, self.north), self.north)
            self.assertEqual(env["res.partner"].browse(self.north[0].id).name, "North customer 0")
        agreement.with_user(self.admin_a).action_revoke()
        for env in (env_b, self.fresh_env(self.user_b)):
            self.assertFalse(self.visible(env, self.north))
            self.assertFalse(env["res.partner"].browse(self.north.ids)._filtered_access("read"))

    def test_suspend_and_expire_in_transaction(self):
        agreement = self.make_agreement(access="write")
        env_b = self.as_user("res.partner", self.user_b).env
        self.assertEqual(self.visible(env_b, self.north), self.north)
        agreement.with_user(self.admin_b).action_suspend()
        self.assertFalse(self.visible(env_b, self.north))
        agreement.action_propose()
        agreement.with_user(self.admin_b).action_accept()
        self.assertEqual(self.visible(self.fresh_env(self.user_b), self.north), self.north)
        agreement.sudo().date_end = "2020-01-01"
        self.assertFalse(self.visible(env_b, self.north))
        self.env["crm.collab.agreement"]._cron_refresh()
        self.assertEqual(agreement.state, "expired")
        self.assertFalse(self.visible(self.fresh_env(self.user_b), self.north))

    def test_concurrent_refill_from_an_older_snapshot(self):
        """Another worker's request that reads the rule from its own snapshot, while an
        acceptance runs here, cannot leave its (older) domain for this transaction.

        The reader is the administrator of the main company (committed, so that the
        other cursor sees it); the agreement, created in this transaction, shares A's
        North customers with the main company."""
        admin = self.env.ref("base.user_admin")
        main = admin.company_id
        agreement = self.make_agreement(activate=False, partner_company_id=main.id)
        agreement.action_propose()
        context = {"allowed_company_ids": main.ids}
        Partner = self.env["res.partner"].with_user(admin).with_context(**context)
        self.assertFalse(Partner.search([("id", "in", self.north.ids)]))
        self.env.flush_all()

        def read_in_another_cursor():
            with self.registry.cursor() as other_cr:
                other = api.Environment(other_cr, admin.id, context)
                other["ir.rule"]._compute_domain("res.partner", "read")
                self.assertFalse(other["res.partner"].search([("id", "in", self.north.ids)]))
                self.assertFalse(other["crm.collab.agreement"].search([("id", "=", agreement.id)]))
                other_cr.rollback()

        read_in_another_cursor()  # fills the cache with what it sees: no agreement
        agreement.with_user(admin).action_accept()
        read_in_another_cursor()  # during the acceptance, from before it
        self.assertEqual(Partner.search([("id", "in", self.north.ids)]), self.north)
        self.assertEqual(
            Partner.browse(self.north[0].id).name,
            "North customer 0",
        )
        agreement.with_user(admin).action_revoke()
        read_in_another_cursor()
        self.assertFalse(Partner.search([("id", "in", self.north.ids)]))


class RollBack(Exception):
    """Raised to roll a savepoint back."""


@tagged("crm_collab_security")
class TestAgreementTransactionCache(CollabCase):
    """The agreements a transaction may use are read once per transaction: a record
    rule check adds no query, and any change to an agreement (or a rollback) is seen."""

    def test_rule_checks_read_the_agreements_once(self):
        self.make_agreement()
        Partner = self.as_user("res.partner", self.user_b)
        Lead = self.as_user("crm.lead", self.user_b)
        domain = [("id", "in", self.north.ids)]
        self.assertEqual(Partner.search(domain), Partner.browse(self.north.ids))
        Lead.search([])
        with self.assertQueryCount(2):  # the two searches, no agreement lookup
            Partner.search(domain)
            Lead.search([])

    def test_changes_and_rollbacks_are_seen(self):
        agreement = self.make_agreement()
        Partner = self.as_user("res.partner", self.user_b)
        domain = [("id", "in", self.north.ids)]
        self.assertTrue(Partner.search(domain))
        with self.assertRaises(RollBack), self.env.cr.savepoint():
            agreement.with_user(self.admin_b).action_suspend()
            self.assertFalse(Partner.search(domain), "a change is seen at once")
            raise RollBack()
        self.assertEqual(agreement.state, "active")
        self.assertEqual(Partner.search(domain), Partner.browse(self.north.ids))
