//! The landing page after login: who you are, your job roles and permission level.

use crate::app::{Route, Session};
use yew::prelude::*;
use yew_router::prelude::*;

/// The Chinese name of a job role key (SPEC §1).
fn role_label(key: &str) -> &'static str {
    match key {
        "general_manager" => "总经理",
        "marketing_director" => "市场总监",
        "dept_manager" => "电商部经理",
        "planner" => "电商策划",
        "storefront_specialist" => "版块维护专员",
        "designer" => "设计文案",
        "customer_service" => "客服",
        "cs_supervisor" => "客服主管",
        "qa_inspector" => "质检专员",
        "warehouse" => "仓库物流",
        "it_admin" => "IT 管理员",
        _ => "",
    }
}

fn level_label(key: &str) -> &'static str {
    match key {
        "viewer" => "普通用户 (viewer)",
        "operator" => "后台管理用户 (operator)",
        "db_admin" => "数据库管理用户 (db_admin)",
        _ => "",
    }
}

#[function_component(Home)]
pub fn home() -> Html {
    let Some(session) = use_context::<Session>() else {
        return html! {};
    };
    let Some(user) = session.user.clone() else {
        return html! { <Redirect<Route> to={Route::Login} /> };
    };
    html! {
        <section class="card" data-testid="home">
            <h2>{ format!("Welcome, {}", user.display_name) }</h2>
            if session.password_expired {
                <div class="notice" data-testid="password-expired">
                    { "Your password has expired: change it before you continue (POST /api/v1/me/password)." }
                </div>
            }
            <dl class="facts">
                <dt>{ "Username · 用户名" }</dt>
                <dd data-testid="username">{ &user.username }</dd>
                <dt>{ "Permission level · 权限级别" }</dt>
                <dd data-testid="level">{ level_label(user.permission_level.as_str()) }</dd>
                <dt>{ "Password expires · 密码到期" }</dt>
                <dd>{ user.password_expires_at.format("%Y-%m-%d").to_string() }</dd>
                <dt>{ "Job roles · 岗位" }</dt>
                <dd>
                    <ul class="roles" data-testid="roles">
                        { for user.roles.iter().map(|r| html! {
                            <li data-role={r.as_str()}>{ format!("{} {}", role_label(r.as_str()), r.as_str()) }</li>
                        }) }
                    </ul>
                </dd>
            </dl>
        </section>
    }
}
