/* Flow 3: a customer answers the satisfaction request of an order (public page, no login).
   The test opens the page of its request's token: /crm_ops/satisfaction/<token>. */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_ops_satisfaction_tour", {
    steps: () => [
        {
            content: "The page names the order",
            trigger: ".o_crm_ops_satisfaction h2:contains(Your order)",
        },
        {
            content: "Choose 2 out of 5",
            trigger: "#crm_ops_satisfaction_form input[name=rate][value='2']",
            run: "click",
        },
        {
            content: "Tell what went wrong",
            trigger: "#crm_ops_satisfaction_form textarea[name=comment]",
            run: "edit The lamp arrived with a broken shade.",
        },
        {
            content: "Ask for a complaint to be filed",
            trigger: "#crm_ops_satisfaction_form input[name=complaint]",
            run: "click",
        },
        {
            content: "Send the answer",
            trigger: "#crm_ops_satisfaction_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The customer is thanked",
            trigger: "#crm_ops_satisfaction_done:contains(Thank you for your feedback)",
        },
    ],
});
