//! How satisfied citizens were: one rating (1 to 5, and a comment) per request, by whoever filed it.

use serde::Serialize;

use super::{CrmError, CrmResult};
use crate::db::{self, Conn};

/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// A request's rating.
#[derive(Clone, Debug, PartialEq, Serialize, sqlx::FromRow)]
pub struct Rating {
    pub score: i64,
    pub comment: String,
    pub rated_at: i64,
}

/// Sets the rating of case `case_id` of `city`, replacing an earlier one.
pub async fn set(
    conn: &mut Conn,
    city: &str,
    case_id: i64,
    score: i64,
    comment: &str,
    at: i64,
) -> CrmResult<Rating> {
    if !(1..=5).contains(&score) {
        return Err(CrmError::Invalid("a rating is 1 to 5".into()));
    }
    let comment = comment.trim();
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(CrmError::Invalid(format!(
            "the comment is longer than {MAX_COMMENT_CHARS} characters"
        )));
    }
    db::execute(
        conn,
        "INSERT INTO ratings (city, case_id, score, comment, rated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (city, case_id) DO UPDATE SET score = excluded.score, comment = excluded.comment, rated_at = excluded.rated_at",
        (city, case_id, score, comment, at),
    )
    .await?;
    Ok(Rating {
        score,
        comment: comment.to_string(),
        rated_at: at,
    })
}

/// The rating of case `case_id` of `city`, if it has one.
pub async fn get(conn: &mut Conn, city: &str, case_id: i64) -> CrmResult<Option<Rating>> {
    let rating = db::fetch_optional(
        conn,
        "SELECT score, comment, rated_at FROM ratings WHERE city = $1 AND case_id = $2",
        (city, case_id),
    )
    .await?;
    Ok(rating)
}

/// Forgets the comments on cases `ids` of `city` (the scores stay, as figures of no one).
pub async fn erase_comments(conn: &mut Conn, city: &str, ids: &[i64]) -> CrmResult<()> {
    for id in ids {
        db::execute(
            conn,
            "UPDATE ratings SET comment = '' WHERE city = $1 AND case_id = $2",
            (city, id),
        )
        .await?;
    }
    Ok(())
}
