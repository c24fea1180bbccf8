//! Values bound to a query's `$1, $2, …` in one call: `.binds((city, id, now))` reads as the
//! placeholders do, where a chain of `.bind` calls took a line each; and the common ways to run
//! such a query in one call: `execute(conn, "DELETE …", (city, id)).await?`.

use sqlx::any::{Any, AnyArguments, AnyRow};
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{Encode, FromRow, Type};

use crate::Conn;

/// Runs `sql` with `values` bound to its placeholders; returns how many rows it changed.
pub async fn execute<'q, V: Values<'q>>(
    conn: &mut Conn,
    sql: &'q str,
    values: V,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(sql).binds(values).execute(conn).await?;
    Ok(done.rows_affected())
}

/// Whether `sql`, with `values` bound, finds a row.
pub async fn exists<'q, V: Values<'q>>(
    conn: &mut Conn,
    sql: &'q str,
    values: V,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(sql).binds(values).fetch_optional(conn).await?;
    Ok(row.is_some())
}

/// The rows `sql` finds with `values` bound, each read as an `O`.
pub async fn fetch_all<'q, O, V>(
    conn: &mut Conn,
    sql: &'q str,
    values: V,
) -> Result<Vec<O>, sqlx::Error>
where
    O: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    V: Values<'q>,
{
    sqlx::query_as(sql).binds(values).fetch_all(conn).await
}

/// The row `sql` finds with `values` bound, read as an `O`, if there is one.
pub async fn fetch_optional<'q, O, V>(
    conn: &mut Conn,
    sql: &'q str,
    values: V,
) -> Result<Option<O>, sqlx::Error>
where
    O: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    V: Values<'q>,
{
    sqlx::query_as(sql).binds(values).fetch_optional(conn).await
}

/// A query that takes bound values: sqlx's `query`, `query_as` and `query_scalar` on `Any`.
pub trait Binds<'q>: Sized {
    /// The query with `value` bound to its next placeholder.
    fn bind_next<T: 'q + Encode<'q, Any> + Type<Any>>(self, value: T) -> Self;

    /// The query with `values`, a tuple, bound to its next placeholders in order.
    fn binds<V: Values<'q>>(self, values: V) -> Self {
        values.bind_to(self)
    }
}

impl<'q> Binds<'q> for Query<'q, Any, AnyArguments<'q>> {
    fn bind_next<T: 'q + Encode<'q, Any> + Type<Any>>(self, value: T) -> Self {
        self.bind(value)
    }
}

impl<'q, O> Binds<'q> for QueryAs<'q, Any, O, AnyArguments<'q>> {
    fn bind_next<T: 'q + Encode<'q, Any> + Type<Any>>(self, value: T) -> Self {
        self.bind(value)
    }
}

impl<'q, O> Binds<'q> for QueryScalar<'q, Any, O, AnyArguments<'q>> {
    fn bind_next<T: 'q + Encode<'q, Any> + Type<Any>>(self, value: T) -> Self {
        self.bind(value)
    }
}

/// A tuple of values a query binds in order.
pub trait Values<'q> {
    /// `query` with these values bound.
    fn bind_to<Q: Binds<'q>>(self, query: Q) -> Q;
}

macro_rules! values {
    ($($value:ident),+) => {
        impl<'q, $($value: 'q + Encode<'q, Any> + Type<Any>),+> Values<'q> for ($($value,)+) {
            #[allow(non_snake_case)]
            fn bind_to<Q: Binds<'q>>(self, query: Q) -> Q {
                let ($($value,)+) = self;
                query$(.bind_next($value))+
            }
        }
    };
}

impl<'q> Values<'q> for () {
    fn bind_to<Q: Binds<'q>>(self, query: Q) -> Q {
        query
    }
}

values!(A);
values!(A, B);
values!(A, B, C);
values!(A, B, C, D);
values!(A, B, C, D, E);
values!(A, B, C, D, E, F);
values!(A, B, C, D, E, F, G);
values!(A, B, C, D, E, F, G, H);
values!(A, B, C, D, E, F, G, H, I);
values!(A, B, C, D, E, F, G, H, I, J);
values!(A, B, C, D, E, F, G, H, I, J, K);
values!(A, B, C, D, E, F, G, H, I, J, K, L);
values!(A, B, C, D, E, F, G, H, I, J, K, L, M);
values!(A, B, C, D, E, F, G, H, I, J, K, L, M, N);
values!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O);
values!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P);
values!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, R);
values!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, R, S);
values!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, R, S, T);
values!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, R, S, T, U);
values!(
    A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, R, S, T, U, V
);
values!(
    A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, R, S, T, U, V, W
);
values!(
    A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, R, S, T, U, V, W, X
);
values!(
    A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, R, S, T, U, V, W, X, Y
);
values!(
    A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, R, S, T, U, V, W, X, Y, Z
);
