# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController

from .portal import CollabCustomerPortal


class CollabHelpdeskTicketController(HelpdeskTicketController):
    @http.route("/ticket/close", type="http", auth="user")
    def support_ticket_close(self, **kw):
        """helpdesk_mgmt changes the stage of the ticket ``ticket_id`` as superuser for
        any logged-in user: any company's ticket could be closed by id. The ticket is
        first opened as the portal opens it (the user's own access, or its token; a share
        does not count, see CollabCustomerPortal)."""
        try:
            ticket_id = int(kw.get("ticket_id"))
            CollabCustomerPortal()._document_check_access(
                "helpdesk.ticket", ticket_id, access_token=kw.get("access_token")
            )
        except (AccessError, MissingError, TypeError, ValueError):
            return request.redirect("/my")
        return super().support_ticket_close(**kw)
