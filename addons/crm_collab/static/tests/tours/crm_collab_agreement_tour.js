/* Flow 5: the owner company's sharing administrator proposes an agreement, the partner
   company's administrator accepts it and then sees the owner's shared customer. */
import { registry } from "@web/core/registry";

const AGREEMENT = "Tour: North customers to the distributor";

registry.category("web_tour.tours").add("crm_collab_propose_tour", {
    // debug mode: the administrator writes which records are shared as a domain
    url: "/odoo/action-crm_collab.action_crm_collab_agreement?debug=1",
    steps: () => [
        {
            content: "Create an agreement",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_form_view .oe_title .o_field_widget[name=name] input",
            run: `edit ${AGREEMENT}`,
        },
        {
            content: "Choose the partner company",
            trigger: ".o_field_widget[name=partner_company_id] input",
            run: "edit Tour Distributor",
        },
        {
            content: "Pick it in the list",
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Distributor B)",
            run: "click",
        },
        {
            content: "Contacts are shared",
            trigger: ".o_field_widget[name=res_model] input.o_select_menu_toggler:value(Contacts)",
        },
        {
            content: "Say which contacts",
            trigger: ".o_field_widget[name=domain] .o_field_domain_dialog_button",
            run: "click",
        },
        {
            content: "Only the customers tagged North",
            trigger: ".modal .o_domain_selector_debug_container textarea",
            run: `edit [("category_id.name", "=", "Tour North")]`,
        },
        {
            content: "Confirm the domain",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The domain matches one customer",
            trigger: ".o_field_widget[name=domain] .o_domain_show_selection_button:contains(1 record)",
        },
        {
            content: "Save the agreement",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Propose it to the partner company",
            trigger: ".o_form_saved .o_statusbar_buttons button[name=action_propose]",
            run: "click",
        },
        {
            content: "The agreement waits for the partner",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Proposed)",
        },
    ],
});

registry.category("web_tour.tours").add("crm_collab_accept_tour", {
    url: "/odoo/action-crm_collab.action_crm_collab_agreement",
    steps: () => [
        {
            content: "Open the proposed agreement",
            trigger: `.o_list_view .o_data_row:contains(${AGREEMENT}):contains(Proposed) td[name=name]`,
            run: "click",
        },
        {
            content: "Accept it",
            trigger: ".o_statusbar_buttons button[name=action_accept]",
            run: "click",
        },
        {
            content: "The agreement is active",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Active)",
        },
        {
            content: "One customer is shared",
            trigger: "button[name=action_view_shared_records] .o_stat_value:contains(1)",
        },
        {
            content: "Open the shared records",
            trigger: "button[name=action_view_shared_records]",
            run: "click",
        },
        {
            content: "The owner's customer is listed",
            trigger: ".o_list_view .o_data_row td.o_data_cell:contains(Northwind Lamps)",
            run: "click",
        },
        {
            content: "Its form opens in the partner company",
            trigger: ".o_form_view .o_field_widget[name=name]:contains(Northwind Lamps), .o_form_view .o_field_widget[name=name] input:value(Northwind Lamps)",
        },
    ],
});
