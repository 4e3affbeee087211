# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The conversation of a shared record stays with its owner.

A share opens the record and its named fields, never what is *around* the record:
its messages and notes (with their tracking), attachments, activities and followers.
They stay hidden from the users of the other companies unless the agreement
explicitly shares the conversation (``collab_share_conversation``). These helpers
say which records' conversations the current user may not see; the mail, attachment,
activity and follower models of this addon ask them at every door (search, read,
create, write, unlink, the web client's thread routes).

A record's conversation is hidden from an internal user when the record belongs to a
company the user is not a member of, and no agreement valid today for the user's active
companies shares that record *with its conversation*. Portal and public users are left
to Odoo's own checks (tokens, followers): shares never apply to them.
"""

import functools

from odoo import fields
from odoo.fields import Domain
from odoo.tools import SQL

from ..models.ir_rule import COLLAB_COLUMN, COLLAB_COMPANY_RULES

# mail.activity.mixin's related fields (next activity's summary, type and icon) are
# computed as superuser from all the record's activities: on a shared record they would
# show the owner's activities. Each shareable model declares them ``compute_sudo=False``:
# computed as the reading user, from the activities that user may see.


def _applies(env):
    """Conversations are filtered for internal users only (the superuser, and code running
    as superuser on behalf of the owner, is not filtered; portal users never get shares)."""
    return not env.su and not env.user.share


def shareable_models(env):
    """The shareable models installed, by name."""
    return {
        name: env[name]
        for name in COLLAB_COMPANY_RULES
        if name in env and "collab_shared" in env[name]._fields
    }


def conversation_agreement_ids(env, model_names):
    """Agreements valid today towards the user's active companies that share the
    conversation of their records, by shared model (among ``model_names``); one query,
    read in this transaction."""
    Agreement = env["crm.collab.agreement"]
    Agreement.flush_model(
        [
            "state",
            "date_start",
            "date_end",
            "partner_company_id",
            "res_model",
            "collab_share_conversation",
        ]
    )
    today = fields.Date.context_today(Agreement)
    rows = env.execute_query(
        SQL(
            """
        SELECT res_model, array_agg(id ORDER BY id) FROM crm_collab_agreement
         WHERE partner_company_id = ANY(%s) AND state = 'active' AND collab_share_conversation
           AND res_model = ANY(%s)
           AND (date_start IS NULL OR date_start <= %s)
           AND (date_end IS NULL OR date_end >= %s)
         GROUP BY res_model
    """,
            env.companies.ids or [0],
            list(model_names),
            today,
            today,
        )
    )
    return dict(rows)


def _hidden_condition(env, Model, alias, agreements):
    """SQL condition on a row ``alias`` of the table of ``Model``: its conversation is
    hidden from the current user (foreign company, and none of ``agreements``, those that
    share the conversation of ``Model``, covers it)."""
    column = SQL.identifier(alias, COLLAB_COLUMN)
    company = SQL.identifier(alias, "company_id")
    mine = env.user.company_ids.ids or [0]
    shared = SQL("%s && %s::int4[]", column, agreements) if agreements else SQL("FALSE")
    return SQL(
        "(%s IS NOT NULL AND NOT (%s = ANY(%s)) AND NOT COALESCE(%s, FALSE))",
        company,
        company,
        mine,
        shared,
    )


def hidden_thread_ids(env, model_name, res_ids):
    """The subset (set) of ``res_ids`` of ``model_name`` whose conversation the current
    user may not see. One query; empty when the model is not shareable."""
    if not _applies(env) or not res_ids:
        return set()
    Model = shareable_models(env).get(model_name)
    if Model is None:
        return set()
    Model.flush_model(["company_id"])
    rows = env.execute_query(
        SQL(
            "SELECT t.id FROM %s t WHERE t.id = ANY(%s) AND %s",
            SQL.identifier(Model._table),
            [int(i) for i in res_ids if i],
            _hidden_condition(
                env, Model, "t", conversation_agreement_ids(env, [model_name]).get(model_name)
            ),
        )
    )
    return {r[0] for r in rows}


def forbid_hidden(records, result, operation, ids_by_doc):
    """``_check_access`` result of ``records`` (mail followers, attachments) with those
    attached to a hidden conversation added to the forbidden ones.

    ``ids_by_doc``: ``{res_model: {res_id: [record ids]}}`` of the records to decide."""
    forbidden_ids = [
        rec_id
        for model, docs in ids_by_doc.items()
        for doc_id in hidden_thread_ids(records.env, model, list(docs))
        for rec_id in docs[doc_id]
    ]
    if not forbidden_ids:
        return result
    forbidden = records.browse(forbidden_ids)
    if result:
        return (result[0] + forbidden, result[1])
    return (
        forbidden,
        functools.partial(records.env["ir.rule"]._make_access_error, operation, forbidden),
    )


def visible_conversation_domain(env, model_field, res_id_field, extra_sql=None):
    """Domain on a model pointing at documents by (``model_field``, ``res_id_field``)
    (mail.message, mail.activity, mail.followers, ir.attachment): the rows *not* on a
    record whose conversation is hidden from the current user. ``extra_sql(alias)``
    may return an SQL condition under which a row stays visible anyway (e.g. an
    activity assigned to the user). One NOT EXISTS per shareable model, on indexed
    columns; TRUE when the user is not filtered."""
    if not _applies(env):
        return Domain.TRUE
    models = shareable_models(env)
    for Model in models.values():
        Model.flush_model(["company_id"])
    agreements = conversation_agreement_ids(env, models) if models else {}

    def to_sql(model, alias, query):
        res_model = SQL.identifier(alias, model_field)
        res_id = SQL.identifier(alias, res_id_field)
        hidden = SQL(" OR ").join(
            SQL(
                "(%s = %s AND EXISTS (SELECT 1 FROM %s d WHERE d.id = %s AND %s))",
                res_model,
                name,
                SQL.identifier(Model._table),
                res_id,
                _hidden_condition(env, Model, "d", agreements.get(name)),
            )
            for name, Model in models.items()
        )
        if extra_sql is not None:
            hidden = SQL("(%s) AND NOT COALESCE(%s, FALSE)", hidden, extra_sql(alias))
        return SQL("NOT COALESCE(%s, FALSE)", hidden)

    return Domain.custom(to_sql=to_sql) if models else Domain.TRUE
