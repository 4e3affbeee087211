# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's own "click everywhere" (web's clickbot) on the apps the suite extends, with the
suite installed, as an administrator and as a salesperson.

The clickbot opens every menu of the app, switches every view and applies every filter
of the search panel; an error dialog or a failed RPC fails the test. The suite's own
menus (Follow-ups, Analytics, Sharing, Import Leads, Configuration) are under CRM.
Each app is a sub-test; its duration is logged ("click everywhere ... took").
"""

import logging
import time
import unittest

from odoo.tests import HttpCase, new_test_user, tagged

_logger = logging.getLogger(__name__)

APPS = (
    "crm.crm_menu_root",
    "sale.sale_menu_root",
    "helpdesk_mgmt.helpdesk_ticket_main_menu",
    "mass_mailing.mass_mailing_menu_root",
)
CLICKBOT = (
    "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader').startClickEverywhere('%s');"
)


@tagged("post_install", "-at_install", "crm_ops_click")
class TestClickEverywhere(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.write({"password": "admin", "tour_enabled": False})
        cls.salesman = new_test_user(
            cls.env,
            login="click_salesman",
            groups="base.group_user,sales_team.group_sale_salesman",
            tour_enabled=False,
        )

    def _click_apps(self, user):
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(False)
        visible = {menus[app_id]["xmlid"] for app_id in menus["root"]["children"]}
        tested = []
        for xmlid in APPS:
            if xmlid not in visible:
                continue
            tested.append(xmlid)
            with self.subTest(app=xmlid, login=user.login):
                start = time.time()
                try:
                    self.browser_js(
                        "/odoo",
                        CLICKBOT % xmlid,
                        "odoo.isReady === true",
                        login=user.login,
                        timeout=1200,
                        success_signal="clickbot test succeeded",
                    )
                except unittest.SkipTest as e:
                    self.fail(f"click everywhere could not run: {e} (it needs Chromium)")
                _logger.info(
                    "click everywhere %s as %s took %.0f s", xmlid, user.login, time.time() - start
                )
        return tested

    def test_click_everywhere_as_admin(self):
        self.assertEqual(self._click_apps(self.admin), list(APPS))

    def test_click_everywhere_as_salesman(self):
        tested = self._click_apps(self.salesman)
        self.assertIn("crm.crm_menu_root", tested)
        self.assertIn("sale.sale_menu_root", tested)
