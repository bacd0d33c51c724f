//! The server's limits on an order, checked in the browser as the user types. The limits are
//! the ones `ecops_api_types::CreateOrderRequest` declares for the server's `Validate`; a native
//! test runs both on the same inputs, so the two cannot drift apart. (The `validator` crate
//! itself stays out of the wasm bundle: its e-mail and URL rules alone would cost 200 KB.)

use ecops_api_types::CreateOrderRequest;

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn length(out: &mut Vec<(String, String)>, field: &str, value: &str, min: usize, max: usize) {
    let n = chars(value);
    if n < min || n > max {
        out.push((
            field.to_owned(),
            format!("must be {min} to {max} characters"),
        ));
    }
}

/// The fields of `body` the server would refuse on its limits, as `(field, message)`.
pub fn order(body: &CreateOrderRequest) -> Vec<(String, String)> {
    let mut out = Vec::new();
    length(&mut out, "channel", &body.channel, 2, 30);
    length(&mut out, "channel_order_no", &body.channel_order_no, 1, 64);
    if let Some(c) = &body.customer {
        length(&mut out, "customer.name", &c.name, 1, 100);
        length(&mut out, "customer.phone", &c.phone, 3, 30);
        length(&mut out, "customer.address", &c.address, 1, 500);
        if let Some(class) = &c.classification {
            length(&mut out, "customer.classification", class, 1, 50);
        }
    }
    length(&mut out, "shipping_address", &body.shipping_address, 1, 500);
    length(&mut out, "payment_method", &body.payment_method, 1, 30);
    if body.lines.is_empty() || body.lines.len() > 200 {
        out.push(("lines".to_owned(), "must have 1 to 200 lines".to_owned()));
    }
    for (i, l) in body.lines.iter().enumerate() {
        length(&mut out, &format!("lines.{i}.sku"), &l.sku, 1, 64);
        if !(1..=100_000).contains(&l.quantity) {
            out.push((
                format!("lines.{i}.quantity"),
                "must be 1 to 100000".to_owned(),
            ));
        }
        if l.unit_price_fen
            .is_some_and(|p| !(0..=1_000_000_000).contains(&p))
        {
            out.push((
                format!("lines.{i}.unit_price_fen"),
                "must be 0 to 1000000000".to_owned(),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecops_api_types::{CustomerInput, OrderLineInput};
    use validator::{Validate, ValidationErrors, ValidationErrorsKind};

    fn server_fields(e: &ValidationErrors) -> Vec<String> {
        fn walk(prefix: &str, e: &ValidationErrors, out: &mut Vec<String>) {
            for (field, kind) in e.errors() {
                let path = if prefix.is_empty() {
                    field.to_string()
                } else {
                    format!("{prefix}.{field}")
                };
                match kind {
                    ValidationErrorsKind::Field(_) => out.push(path),
                    ValidationErrorsKind::Struct(inner) => walk(&path, inner, out),
                    ValidationErrorsKind::List(items) => {
                        for (i, inner) in items {
                            walk(&format!("{path}.{i}"), inner, out);
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk("", e, &mut out);
        out.sort();
        out
    }

    fn base() -> CreateOrderRequest {
        CreateOrderRequest {
            channel: "phone".into(),
            channel_order_no: "PH-1".into(),
            customer_id: None,
            customer: Some(CustomerInput {
                name: "刘洋".into(),
                phone: "13700000003".into(),
                email: None,
                address: "杭州".into(),
                classification: None,
            }),
            shipping_address: "杭州".into(),
            payment_method: "cod".into(),
            payment_status: "cod".into(),
            lines: vec![OrderLineInput {
                sku: "TEA-1".into(),
                quantity: 1,
                unit_price_fen: None,
            }],
        }
    }

    #[test]
    fn the_client_refuses_exactly_what_the_server_refuses() {
        let long = |n: usize| "字".repeat(n);
        let mut cases: Vec<CreateOrderRequest> = vec![base()];
        type Edit = Box<dyn Fn(&mut CreateOrderRequest)>;
        let edits: Vec<Edit> = vec![
            Box::new(|b| b.channel_order_no.clear()),
            Box::new(move |b| b.channel_order_no = long(65)),
            Box::new(move |b| b.channel_order_no = long(64)),
            Box::new(|b| {
                b.customer
                    .as_mut()
                    .into_iter()
                    .for_each(|c| c.phone = "13".into())
            }),
            Box::new(|b| {
                b.customer
                    .as_mut()
                    .into_iter()
                    .for_each(|c| c.phone = "137".into())
            }),
            Box::new(move |b| {
                b.customer
                    .as_mut()
                    .into_iter()
                    .for_each(|c| c.name = long(101))
            }),
            Box::new(|b| {
                b.customer
                    .as_mut()
                    .into_iter()
                    .for_each(|c| c.address.clear())
            }),
            Box::new(|b| b.shipping_address.clear()),
            Box::new(move |b| b.shipping_address = long(501)),
            Box::new(|b| b.payment_method.clear()),
            Box::new(|b| b.lines.clear()),
            Box::new(|b| b.lines[0].quantity = 0),
            Box::new(|b| b.lines[0].quantity = 100_001),
            Box::new(|b| b.lines[0].quantity = 100_000),
            Box::new(|b| b.lines[0].unit_price_fen = Some(-1)),
            Box::new(|b| b.lines[0].sku.clear()),
            Box::new(|b| {
                b.lines = (0..201)
                    .map(|_| OrderLineInput {
                        sku: "A".into(),
                        quantity: 1,
                        unit_price_fen: None,
                    })
                    .collect()
            }),
        ];
        for edit in &edits {
            let mut b = base();
            edit(&mut b);
            cases.push(b);
        }
        for b in cases {
            let server = b
                .validate()
                .err()
                .map(|e| server_fields(&e))
                .unwrap_or_default();
            let mut client: Vec<String> = order(&b).into_iter().map(|(f, _)| f).collect();
            client.sort();
            assert_eq!(client, server, "{b:?}");
        }
    }
}
