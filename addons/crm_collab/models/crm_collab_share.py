# Copyright 2026 CRM Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from .crm_collab_agreement import ENDED_STATES, SHARED_MODELS
from .ir_rule import COLLAB_COLUMN


class CrmCollabShare(models.Model):
    """One row per record shared with a partner company (materialised agreement domain)."""

    _name = "crm.collab.share"
    _description = "Shared Record"
    _log_access = False
    _order = "id"

    agreement_id = fields.Many2one(
        "crm.collab.agreement", required=True, ondelete="cascade", index=True
    )
    res_model = fields.Char(required=True)
    res_id = fields.Many2oneReference(required=True, model_field="res_model")
    company_id = fields.Many2one(
        "res.company", string="Partner Company", required=True, ondelete="cascade"
    )
    perm_write = fields.Boolean()
    date_start = fields.Date()
    date_end = fields.Date()

    # the rule's sub-query: res_model + company -> res_ids, answered from the index alone
    _collab_lookup = models.Index(
        "(res_model, company_id, res_id) INCLUDE (perm_write, agreement_id)"
    )
    _unique_share = models.Constraint(
        "UNIQUE(agreement_id, res_model, res_id)", "A record is shared once per agreement."
    )

    def init(self):
        """Keep each shared record's ``collab_agreement_ids`` equal to the agreements of
        its share rows: statement-level triggers recompute, in one UPDATE per model, the
        arrays of the records whose shares were inserted, deleted or changed, whatever
        wrote the share table (activation, suspension, refresh, cascades). The shares
        deleted for an ended agreement leave the cache to ``_collab_purge_ended``."""
        res = super().init()
        tables = {
            model: self.env[model]._table for model, _label in SHARED_MODELS if model in self.env
        }
        cases = SQL(" ").join(
            SQL("WHEN %s THEN %s", model, table) for model, table in tables.items()
        )
        self.env.cr.execute(
            SQL(
                """
            DROP FUNCTION IF EXISTS crm_collab_share_sync_ids(varchar, int4[]);
            CREATE FUNCTION crm_collab_share_sync_ids(model varchar, ids int4[])
            RETURNS integer LANGUAGE plpgsql AS $body$
            DECLARE
                tbl text := CASE model %(cases)s END;
                n integer;
            BEGIN
                IF tbl IS NULL OR ids IS NULL THEN
                    RETURN 0;
                END IF;
                EXECUTE format($q$
                    UPDATE %%I t SET %(col)s = agg.agreements
                      FROM (SELECT k.id, array_agg(DISTINCT s.agreement_id ORDER BY s.agreement_id)
                                         FILTER (WHERE s.agreement_id IS NOT NULL) AS agreements
                              FROM unnest($2) k(id)
                              LEFT JOIN crm_collab_share s ON s.res_model = $1 AND s.res_id = k.id
                             GROUP BY k.id) agg
                     WHERE t.id = agg.id AND t.%(col)s IS DISTINCT FROM agg.agreements
                $q$, tbl) USING model, ids;
                GET DIAGNOSTICS n = ROW_COUNT;
                RETURN n;
            END $body$;

            CREATE OR REPLACE FUNCTION crm_collab_share_sync() RETURNS trigger
            LANGUAGE plpgsql AS $body$
            DECLARE m record;
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    FOR m IN SELECT res_model, array_agg(DISTINCT res_id) AS ids
                               FROM new_rows GROUP BY res_model LOOP
                        PERFORM crm_collab_share_sync_ids(m.res_model, m.ids);
                    END LOOP;
                ELSIF TG_OP = 'DELETE' THEN
                    -- the ids of ended (or deleted) agreements are inert: purged later
                    FOR m IN SELECT o.res_model, array_agg(DISTINCT o.res_id) AS ids
                               FROM old_rows o
                               JOIN crm_collab_agreement a ON a.id = o.agreement_id
                              WHERE a.state NOT IN %(ended)s
                              GROUP BY o.res_model LOOP
                        PERFORM crm_collab_share_sync_ids(m.res_model, m.ids);
                    END LOOP;
                ELSE
                    FOR m IN SELECT res_model, array_agg(DISTINCT res_id) AS ids
                               FROM (SELECT res_model, res_id FROM old_rows
                                     UNION ALL SELECT res_model, res_id FROM new_rows) r
                              GROUP BY res_model LOOP
                        PERFORM crm_collab_share_sync_ids(m.res_model, m.ids);
                    END LOOP;
                END IF;
                RETURN NULL;
            END $body$;

            DROP TRIGGER IF EXISTS crm_collab_share_sync_ins ON crm_collab_share;
            DROP TRIGGER IF EXISTS crm_collab_share_sync_del ON crm_collab_share;
            DROP TRIGGER IF EXISTS crm_collab_share_sync_upd ON crm_collab_share;
            CREATE TRIGGER crm_collab_share_sync_ins AFTER INSERT ON crm_collab_share
                REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION crm_collab_share_sync();
            CREATE TRIGGER crm_collab_share_sync_del AFTER DELETE ON crm_collab_share
                REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION crm_collab_share_sync();
            CREATE TRIGGER crm_collab_share_sync_upd AFTER UPDATE ON crm_collab_share
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION crm_collab_share_sync();
        """,
                cases=cases,
                col=SQL.identifier(COLLAB_COLUMN),
                ended=ENDED_STATES,
            )
        )
        return res
