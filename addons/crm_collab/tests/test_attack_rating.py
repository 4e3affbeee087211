# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer's satisfaction answer on a shared order stays the owner's: sale orders
inherit ``rating.mixin`` (crm_ops), whose statistics are computed as superuser."""

from odoo.tests import tagged

from .test_attack_conversation import SharedOrderCase

RATING_FIELDS = [
    "rating_ids",
    "rating_last_value",
    "rating_last_feedback",
    "rating_last_text",
    "rating_count",
    "rating_avg",
    "rating_avg_text",
    "rating_percentage_satisfaction",
]


@tagged("post_install", "-at_install", "crm_collab_security", "crm_collab_attack")
class TestAttackRating(SharedOrderCase):
    def test_rating_of_shared_order_not_readable(self):
        rating = self.order._crm_satisfaction_request(self.north[0], validity_days=10)
        # a good answer: a low one would open a complaint ticket and an activity on the order
        self.order.rating_apply(5, rating=rating, feedback="A secret: the lamp is brilliant")
        self.env.flush_all()
        own = self.order.with_user(self.user_a).read(RATING_FIELDS)[0]
        self.assertEqual(own["rating_last_value"], 5)
        self.assertEqual(own["rating_last_feedback"], "A secret: the lamp is brilliant")
        key = self.api_key(self.user_b)
        [row] = self.json2_ok(
            key, "sale.order", "read", {"ids": self.order.ids, "fields": ["name", *RATING_FIELDS]}
        )
        self.assertEqual(row["name"], self.order.name, "B reads the shared summary")
        leaked = {name: row[name] for name in RATING_FIELDS if row[name]}
        self.assertFalse(leaked, "B read A's customer's rating")
        self.assert_owner_intact()
