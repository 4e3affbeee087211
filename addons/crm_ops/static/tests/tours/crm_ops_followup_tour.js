/* Flow 2: a sales manager configures a follow-up plan, then confirms an order and sees the
   plan's follow-up planned on it and run. */
import { registry } from "@web/core/registry";

/** Steps choosing ``label`` in the selection field (a SelectMenu) at ``field``. */
function chooseOption(field, label, content) {
    return [
        {
            content: `${content}: open the choices`,
            trigger: `${field} .o_select_menu_toggler`,
            run: "click",
        },
        {
            content: `${content}: choose "${label}"`,
            trigger: `.o_select_menu_menu .o_select_menu_item:contains(${label})`,
            run: "click",
        },
        {
            content: `${content}: "${label}" is chosen`,
            trigger: `${field} input.o_select_menu_toggler:value(${label})`,
        },
    ];
}

registry.category("web_tour.tours").add("crm_ops_followup_plan_tour", {
    url: "/odoo/action-crm_ops.crm_followup_plan_action",
    steps: () => [
        {
            content: "Create a plan",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            content: "Name the plan",
            trigger: ".o_form_view .oe_title .o_field_widget[name=name] input",
            run: "edit Tour thank-you plan",
        },
        ...chooseOption(
            ".o_field_widget[name=trigger]",
            "Order confirmed",
            "Start it when the order is confirmed"
        ),
        {
            content: "Add a step",
            trigger: ".o_field_widget[name=step_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Name the step",
            trigger: ".o_field_widget[name=step_ids] .o_data_row .o_field_widget[name=name] input",
            run: "edit Thank-you call",
        },
        ...chooseOption(
            ".o_field_widget[name=step_ids] .o_data_row .o_field_widget[name=action_type]",
            "Activity for the salesperson",
            "The step schedules an activity"
        ),
        {
            content: "Save the plan",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The plan is saved with its step",
            trigger:
                ".o_form_saved .o_field_widget[name=step_ids] .o_data_row:contains(Thank-you call)",
        },
    ],
});

registry.category("web_tour.tours").add("crm_ops_followup_order_tour", {
    steps: () => [
        {
            content: "Confirm the quotation",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_confirm]:visible",
            run: "click",
        },
        {
            content: "The order is confirmed and one follow-up is pending",
            trigger:
                ".o_form_view button[name=action_view_crm_followups]:has(.o_stat_value:contains(1))",
        },
        {
            content: "Open the follow-ups of the order",
            trigger: ".o_form_view button[name=action_view_crm_followups]",
            run: "click",
        },
        {
            content: "The plan's step is planned for the order",
            trigger:
                ".o_list_view .o_data_row:contains(Tour thank-you plan):contains(Thank-you call):contains(Pending)",
        },
        {
            content: "Run it now",
            trigger: ".o_list_view .o_data_row button[name=action_execute_now]",
            run: "click",
        },
        {
            content: "The follow-up is done",
            trigger: ".o_list_view .o_data_row:contains(Thank-you call) .o_field_widget[name=state]:contains(Done)",
        },
        {
            content: "Back to the order",
            trigger: ".o_breadcrumb .breadcrumb-item a:last",
            run: "click",
        },
        {
            content: "The salesperson has the activity on the order",
            trigger: ".o-mail-Activity:contains(Thank-you call)",
        },
    ],
});
