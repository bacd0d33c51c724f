//! The diesel schema shared by both backends (same names and portable types in both migration trees).

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        password_changed_at -> Timestamp,
        permission_level -> Text,
        staff_level -> Text,
        monthly_wage_fen -> Nullable<BigInt>,
        is_special -> Integer,
        deactivated_at -> Nullable<Timestamp>,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        phone -> Nullable<Text>,
        reports_to -> Nullable<Text>,
    }
}

diesel::table! {
    user_roles (user_id, role) {
        user_id -> Text,
        role -> Text,
        granted_at -> Timestamp,
        granted_by -> Nullable<Text>,
    }
}

diesel::table! {
    password_history (id) {
        id -> Text,
        user_id -> Text,
        password_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
        client_addr -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        name -> Text,
        user_id -> Text,
        token_hash -> Text,
        scopes -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        rate_per_minute -> Nullable<Integer>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_username -> Nullable<Text>,
        action -> Text,
        subject_type -> Nullable<Text>,
        subject_id -> Nullable<Text>,
        client_addr -> Nullable<Text>,
        outcome -> Text,
        detail -> Text,
        request_id -> Nullable<Text>,
        seq -> Nullable<BigInt>,
        prev_hash -> Nullable<Text>,
        hash -> Nullable<Text>,
        on_behalf_of -> Nullable<Text>,
        delegation_id -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (scope, idem_key) {
        scope -> Text,
        idem_key -> Text,
        request_hash -> Text,
        status_code -> Nullable<Integer>,
        response_body -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    approval_requests (id) {
        id -> Text,
        kind -> Text,
        subject_type -> Text,
        subject_id -> Text,
        proposer_id -> Text,
        payload -> Text,
        reason -> Text,
        state -> Text,
        chain -> Text,
        subject_version -> Nullable<BigInt>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        version -> BigInt,
        chain_version -> Nullable<BigInt>,
        publish_by -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    approval_decisions (id) {
        id -> Text,
        request_id -> Text,
        step_index -> Integer,
        role -> Text,
        decider_id -> Text,
        verdict -> Text,
        comment -> Text,
        decided_at -> Timestamp,
        on_behalf_of -> Nullable<Text>,
    }
}

diesel::table! {
    approval_chains (kind, version) {
        kind -> Text,
        version -> BigInt,
        steps -> Text,
        effective_from -> Timestamp,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    products (id) {
        id -> Text,
        sku -> Text,
        title -> Text,
        description -> Text,
        category -> Text,
        list_price_fen -> BigInt,
        stock -> BigInt,
        status -> Text,
        confidential -> Integer,
        last_counted_at -> Nullable<Timestamp>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    product_events (id) {
        id -> Text,
        product_id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        kind -> Text,
        detail -> Text,
        reason -> Nullable<Text>,
        approval_request_id -> Nullable<Text>,
    }
}

diesel::table! {
    price_history (id) {
        id -> Text,
        product_id -> Text,
        price_fen -> BigInt,
        effective_from -> Nullable<Timestamp>,
        source -> Text,
        proposer_id -> Nullable<Text>,
        approver_id -> Nullable<Text>,
        applied_by -> Nullable<Text>,
        approval_request_id -> Nullable<Text>,
        competitors -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    stock_movements (id) {
        id -> Text,
        product_id -> Text,
        delta -> BigInt,
        stock_after -> BigInt,
        reason -> Text,
        reference -> Nullable<Text>,
        note -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    promotions (id) {
        id -> Text,
        name -> Text,
        rule_type -> Text,
        rule_value -> BigInt,
        start_at -> Timestamp,
        end_at -> Timestamp,
        state -> Text,
        approval_request_id -> Nullable<Text>,
        proposer_id -> Text,
        approver_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    promotion_products (promotion_id, product_id) {
        promotion_id -> Text,
        product_id -> Text,
    }
}

diesel::table! {
    product_attachments (id) {
        id -> Text,
        product_id -> Text,
        kind -> Text,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        copyrighted -> Integer,
        added_by -> Text,
        added_at -> Timestamp,
    }
}

diesel::table! {
    stocktakes (id) {
        id -> Text,
        started_by -> Text,
        started_at -> Timestamp,
        note -> Text,
        state -> Text,
        posted_at -> Nullable<Timestamp>,
        posted_by -> Nullable<Text>,
    }
}

diesel::table! {
    stocktake_lines (stocktake_id, product_id) {
        stocktake_id -> Text,
        product_id -> Text,
        counted_qty -> BigInt,
        system_qty -> BigInt,
        counted_by -> Text,
        counted_at -> Timestamp,
    }
}

diesel::table! {
    customers (id) {
        id -> Text,
        name -> Text,
        phone -> Text,
        email -> Nullable<Text>,
        address -> Text,
        classification -> Text,
        bad_customer -> Integer,
        bad_customer_reason -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    orders (id) {
        id -> Text,
        channel -> Text,
        channel_order_no -> Text,
        customer_id -> Text,
        customer_name -> Text,
        customer_phone -> Text,
        shipping_address -> Text,
        total_fen -> BigInt,
        payment_method -> Text,
        payment_status -> Text,
        paid_fen -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        core_hash -> Text,
    }
}

diesel::table! {
    order_lines (order_id, line_no) {
        order_id -> Text,
        line_no -> Integer,
        product_id -> Text,
        sku -> Text,
        title -> Text,
        quantity -> BigInt,
        unit_price_fen -> BigInt,
        line_total_fen -> BigInt,
    }
}

diesel::table! {
    order_events (id) {
        id -> Text,
        order_id -> Text,
        seq -> Integer,
        kind -> Text,
        actor_id -> Nullable<Text>,
        at -> Timestamp,
        data -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    order_status (order_id) {
        order_id -> Text,
        status -> Text,
        contact_due_at -> Timestamp,
        contacted_at -> Nullable<Timestamp>,
        last_seq -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    order_exports (export_date) {
        export_date -> Text,
        jsonl_path -> Text,
        csv_path -> Text,
        jsonl_sha256 -> Text,
        csv_sha256 -> Text,
        order_count -> Integer,
        event_count -> Integer,
        created_at -> Timestamp,
        created_by_node -> Text,
    }
}

diesel::table! {
    job_leases (name) {
        name -> Text,
        holder -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    aftersales_cases (id) {
        id -> Text,
        order_id -> Text,
        kind -> Text,
        status -> Text,
        owner_id -> Text,
        description -> Text,
        customer_result -> Nullable<Text>,
        refund_fen -> BigInt,
        deadline_at -> Nullable<Timestamp>,
        escalated_at -> Nullable<Timestamp>,
        created_by -> Text,
        created_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        version -> BigInt,
        gift_fen -> BigInt,
        gift_item -> Nullable<Text>,
        logistics_issue -> Nullable<Text>,
    }
}

diesel::table! {
    aftersales_lines (case_id, line_no) {
        case_id -> Text,
        line_no -> Integer,
        quantity -> BigInt,
    }
}

diesel::table! {
    page_revisions (id) {
        id -> Text,
        page -> Text,
        title -> Text,
        cadence -> Text,
        areas -> Text,
        plan -> Text,
        planned_for -> Date,
        status -> Text,
        approval_request_id -> Text,
        proposer_id -> Text,
        executed_at -> Nullable<Timestamp>,
        executed_by -> Nullable<Text>,
        execution_note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    punches (id) {
        id -> Text,
        user_id -> Text,
        direction -> Text,
        punched_at -> Timestamp,
        source -> Text,
        device_id -> Nullable<Text>,
        device_punch_id -> Nullable<Text>,
        reason -> Nullable<Text>,
        approved_by -> Nullable<Text>,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    lateness_notices (user_id, day) {
        user_id -> Text,
        day -> Date,
        note -> Text,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    leave_requests (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        reason -> Text,
        handover_to -> Text,
        handover_note -> Text,
        status -> Text,
        approval_request_id -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    duty_shifts (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        created_by -> Text,
        created_at -> Timestamp,
        cancelled_at -> Nullable<Timestamp>,
        cancelled_by -> Nullable<Text>,
        released_for_leave -> Nullable<Text>,
    }
}

diesel::table! {
    shift_swaps (id) {
        id -> Text,
        shift_id -> Text,
        exchange_shift_id -> Nullable<Text>,
        requested_by -> Text,
        colleague_id -> Text,
        reason -> Text,
        state -> Text,
        approval_request_id -> Nullable<Text>,
        created_at -> Timestamp,
        answered_at -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    departures (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        effective_on -> Date,
        reason -> Text,
        successor_id -> Text,
        new_roles -> Text,
        state -> Text,
        created_at -> Timestamp,
        handed_over_at -> Nullable<Timestamp>,
        completed_at -> Nullable<Timestamp>,
        completed_by -> Nullable<Text>,
    }
}

diesel::table! {
    handover_items (departure_id, seq) {
        departure_id -> Text,
        seq -> Integer,
        item -> Text,
        confirmed_at -> Nullable<Timestamp>,
        confirmed_by -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    installation (id) {
        id -> Integer,
        created_at -> Timestamp,
        bootstrap_admin_id -> Nullable<Text>,
        bootstrap_closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    attendance_policies (id) {
        id -> Text,
        effective_from -> Date,
        timezone -> Text,
        policy -> Text,
        note -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    attendance_calendar (day) {
        day -> Date,
        kind -> Text,
        name -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    employments (user_id) {
        user_id -> Text,
        started_on -> Date,
        ended_on -> Nullable<Date>,
        updated_by -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    attendance_closings (month) {
        month -> Text,
        closed_by -> Text,
        closed_at -> Timestamp,
        missing_punches_confirmed -> Integer,
        figures -> Text,
    }
}

diesel::table! {
    attendance_adjustments (id) {
        id -> Text,
        user_id -> Text,
        concerns_day -> Date,
        concerns_month -> Text,
        applied_month -> Text,
        deduction_fen -> BigInt,
        loses_bonus -> Integer,
        reason -> Text,
        source -> Text,
        source_id -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(password_history -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(approval_decisions -> approval_requests (request_id));
diesel::joinable!(promotion_products -> promotions (promotion_id));
diesel::joinable!(promotion_products -> products (product_id));
diesel::joinable!(stocktake_lines -> products (product_id));
diesel::joinable!(order_lines -> orders (order_id));
diesel::joinable!(order_status -> orders (order_id));
diesel::joinable!(order_events -> orders (order_id));
diesel::joinable!(orders -> customers (customer_id));
diesel::joinable!(aftersales_lines -> aftersales_cases (case_id));

diesel::table! {
    daily_reports (id) {
        id -> Text,
        user_id -> Text,
        day -> Date,
        done -> Text,
        problems -> Text,
        plan -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    statements (id) {
        id -> Text,
        user_id -> Text,
        period_kind -> Text,
        period_start -> Date,
        period_end -> Date,
        figures -> Text,
        comment -> Text,
        submitted_at -> Timestamp,
    }
}

diesel::table! {
    meetings (id) {
        id -> Text,
        held_on -> Date,
        title -> Text,
        attendees -> Text,
        decisions -> Text,
        written_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    action_items (id) {
        id -> Text,
        meeting_id -> Text,
        owner_id -> Text,
        text -> Text,
        due_on -> Date,
        done_at -> Nullable<Timestamp>,
        done_by -> Nullable<Text>,
    }
}

diesel::table! {
    monthly_summaries (id) {
        id -> Text,
        user_id -> Text,
        month -> Text,
        done -> Text,
        unfinished -> Text,
        plan -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    daily_report_notes (id) {
        id -> Text,
        user_id -> Text,
        day -> Date,
        note -> Text,
        written_by -> Text,
        written_at -> Timestamp,
    }
}

diesel::table! {
    content_items (id) {
        id -> Text,
        kind -> Text,
        author_id -> Text,
        page_revision_id -> Nullable<Text>,
        latest_revision -> Integer,
        live_revision -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    content_revisions (item_id, number) {
        item_id -> Text,
        number -> Integer,
        title -> Text,
        body -> Text,
        confidential -> Integer,
        status -> Text,
        author_id -> Text,
        approval_request_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    content_events (id) {
        id -> Text,
        item_id -> Text,
        revision -> Integer,
        action -> Text,
        actor_id -> Nullable<Text>,
        note -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    content_blobs (sha256) {
        sha256 -> Text,
        size_bytes -> BigInt,
        content_type -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    content_blob_chunks (sha256, seq) {
        sha256 -> Text,
        seq -> Integer,
        data -> Binary,
    }
}

diesel::table! {
    content_attachments (id) {
        id -> Text,
        item_id -> Text,
        revision -> Integer,
        sha256 -> Text,
        file_name -> Text,
        media -> Text,
        uploaded_by -> Text,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    vault_entries (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        url -> Nullable<Text>,
        login -> Nullable<Text>,
        notes -> Text,
        custodian_roles -> Text,
        key_id -> Text,
        secret_nonce -> Binary,
        secret_cipher -> Binary,
        version -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        secret_changed_at -> Timestamp,
    }
}

diesel::table! {
    vault_custodians (entry_id, user_id) {
        entry_id -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    vault_changes (id) {
        id -> Text,
        entry_id -> Text,
        approval_request_id -> Text,
        key_id -> Nullable<Text>,
        secret_nonce -> Nullable<Binary>,
        secret_cipher -> Nullable<Binary>,
        custodian_roles -> Nullable<Text>,
        custodian_users -> Nullable<Text>,
        reason -> Text,
        state -> Text,
        proposed_by -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    backups (id) {
        id -> Text,
        file_name -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        schema_version -> Text,
        row_counts -> Text,
        total_rows -> BigInt,
        origin -> Text,
        made_by -> Nullable<Text>,
        node -> Text,
        started_at -> Timestamp,
        finished_at -> Timestamp,
        removed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    contacts (id) {
        id -> Text,
        staff_id -> Text,
        order_id -> Nullable<Text>,
        customer_id -> Nullable<Text>,
        channel -> Text,
        direction -> Text,
        started_at -> Timestamp,
        ended_at -> Timestamp,
        summary -> Text,
        transcript -> Nullable<Text>,
        outcome -> Text,
        feedback -> Nullable<Text>,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    qa_checklists (version) {
        version -> BigInt,
        items -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    qa_reviews (id) {
        id -> Text,
        contact_id -> Text,
        staff_id -> Text,
        reviewer_id -> Text,
        checklist_version -> BigInt,
        marks -> Text,
        score -> Integer,
        comment -> Text,
        submitted_at -> Timestamp,
        response -> Nullable<Text>,
        responded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    evaluation_forms (version) {
        version -> BigInt,
        items -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    evaluations (id) {
        id -> Text,
        person_id -> Text,
        manager_id -> Text,
        month -> Text,
        form_version -> BigInt,
        items -> Text,
        figures -> Text,
        comment -> Text,
        state -> Text,
        submitted_at -> Nullable<Timestamp>,
        answered_at -> Nullable<Timestamp>,
        dispute_comment -> Nullable<Text>,
        escalated_to -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        resolution -> Nullable<Text>,
        resolution_comment -> Nullable<Text>,
        resolved_by -> Nullable<Text>,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox_events (seq) {
        seq -> BigInt,
        id -> Text,
        event_type -> Text,
        resource_type -> Text,
        resource_id -> Text,
        context -> Text,
        data -> Text,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    delegations (id) {
        id -> Text,
        delegator_id -> Text,
        delegate_id -> Text,
        requested_by -> Text,
        task -> Text,
        roles -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        state -> Text,
        approval_request_id -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<Text>,
        revoke_reason -> Nullable<Text>,
    }
}

diesel::table! {
    service_phrases (id) {
        id -> Text,
        situation -> Text,
        language -> Text,
        text -> Text,
        note -> Text,
        state -> Text,
        proposed_by -> Text,
        approval_request_id -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        retired_at -> Nullable<Timestamp>,
        retired_by -> Nullable<Text>,
    }
}

diesel::table! {
    evaluation_closings (month) {
        month -> Text,
        closed_by -> Text,
        closed_at -> Timestamp,
    }
}

diesel::joinable!(qa_reviews -> contacts (contact_id));
diesel::joinable!(vault_custodians -> vault_entries (entry_id));

diesel::table! {
    webhook_subscriptions (id) {
        id -> Text,
        url -> Text,
        description -> Text,
        event_types -> Text,
        filter_channel -> Nullable<Text>,
        filter_category -> Nullable<Text>,
        secret_sealed -> Text,
        state -> Text,
        paused_reason -> Nullable<Text>,
        consecutive_failures -> Integer,
        failing_since -> Nullable<Timestamp>,
        fanned_to -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        subscription_id -> Text,
        event_seq -> BigInt,
        event_id -> Text,
        event_type -> Text,
        resource_key -> Text,
        state -> Text,
        tries -> Integer,
        next_attempt_at -> Timestamp,
        lease_holder -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        subscription_id -> Text,
        delivery_id -> Nullable<Text>,
        event_id -> Text,
        event_type -> Text,
        attempted_at -> Timestamp,
        status_code -> Nullable<Integer>,
        latency_ms -> BigInt,
        response_excerpt -> Text,
        error -> Nullable<Text>,
        node -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    webhook_subscriptions,
    webhook_deliveries,
    webhook_attempts,
    statements,
    meetings,
    action_items,
    monthly_summaries,
    daily_report_notes,
    content_items,
    content_revisions,
    content_events,
    content_attachments,
    content_blobs,
    content_blob_chunks,
    daily_reports,
    attendance_policies,
    attendance_calendar,
    employments,
    attendance_closings,
    attendance_adjustments,
    installation,
    duty_shifts,
    shift_swaps,
    departures,
    handover_items,
    leave_requests,
    punches,
    lateness_notices,
    page_revisions,
    users,
    user_roles,
    password_history,
    sessions,
    refresh_tokens,
    api_tokens,
    audit_log,
    idempotency_keys,
    vault_entries,
    vault_custodians,
    contacts,
    qa_checklists,
    qa_reviews,
    evaluation_forms,
    evaluations,
    evaluation_closings,
    delegations,
    service_phrases,
    outbox_events,
    vault_changes,
    backups,
    approval_requests,
    approval_decisions,
    approval_chains,
    products,
    product_events,
    price_history,
    stock_movements,
    promotions,
    promotion_products,
    product_attachments,
    stocktakes,
    stocktake_lines,
    customers,
    orders,
    order_lines,
    order_events,
    order_status,
    order_exports,
    job_leases,
    aftersales_cases,
    aftersales_lines,
);
