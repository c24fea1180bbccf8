//! People and their credentials: citizens' accounts, signing in and out, staff, API keys for apps,
//! and the operator. Every action of staff, administrators and the operator is audited in the
//! transaction that makes it.

use serde_json::json;

use super::{Carmen, RuntimeError};
use crate::crm::people::{self, NewUser, Principal, Role, User};
use crate::crm::{audit, cities};

impl Carmen {
    /// Creates a citizen's account in `city`.
    pub async fn register_citizen(&self, city: &str, new: NewUser) -> Result<User, RuntimeError> {
        if new.email.is_none() {
            return Err(RuntimeError::Invalid(
                "an account needs an e-mail address to sign in with".into(),
            ));
        }
        let mut tx = self.db.begin_write().await?;
        cities::get(&mut tx, city).await?;
        let user = people::create(
            &mut tx,
            Role::Citizen,
            NewUser {
                city: Some(city.to_string()),
                ..new
            },
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Checks an e-mail address and password in `city` (`None`: the operator) and opens a web
    /// session: the person and the session's token (shown once; only its hash is kept).
    pub async fn sign_in(
        &self,
        city: Option<&str>,
        email: &str,
        password: &str,
    ) -> Result<(User, String), RuntimeError> {
        if let Some(city) = city {
            cities::get(&mut *self.db.read().await?, city).await?;
        }
        let user =
            people::verify_password(&mut *self.db.read().await?, city, email, password).await?;
        let mut tx = self.db.begin_write().await?;
        let token = people::issue_token(&mut tx, &user, "session", "web session").await?;
        tx.commit().await?;
        Ok((user, token))
    }

    /// Revokes `token`; true if it was valid.
    pub async fn sign_out(&self, token: &str) -> Result<bool, RuntimeError> {
        let mut tx = self.db.begin_write().await?;
        let revoked = people::revoke_token(&mut tx, token).await?;
        tx.commit().await?;
        Ok(revoked)
    }

    /// Who holds `token`, if it is valid.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Principal>, RuntimeError> {
        Ok(people::authenticate(&mut *self.db.read().await?, token).await?)
    }

    /// A person's own profile.
    pub async fn profile(&self, principal: &Principal) -> Result<User, RuntimeError> {
        Ok(people::get(&mut *self.db.read().await?, principal.user_id).await?)
    }

    /// Adds a staff member or administrator to `city`.
    pub async fn add_staff(
        &self,
        city: &str,
        actor: &Principal,
        role: Role,
        new: NewUser,
    ) -> Result<User, RuntimeError> {
        if !matches!(role, Role::Staff | Role::Admin) {
            return Err(RuntimeError::Invalid("role is staff or admin".into()));
        }
        let mut tx = self.db.begin_write().await?;
        cities::get(&mut tx, city).await?;
        let user = people::create(
            &mut tx,
            role,
            NewUser {
                city: Some(city.to_string()),
                ..new
            },
        )
        .await?;
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "user.create",
            &format!("user:{}", user.id),
            None,
            Some(json!({"role": role, "email": user.email})),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Issues an API key of `city` for the app `label`: the key's id and the key itself, which
    /// is shown once and never stored.
    pub async fn issue_api_key(
        &self,
        city: &str,
        actor: &Principal,
        label: &str,
    ) -> Result<(String, String), RuntimeError> {
        let mut tx = self.db.begin_write().await?;
        cities::get(&mut tx, city).await?;
        let (key_id, key) = people::issue_api_key(&mut tx, city, label).await?;
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "key.issue",
            &format!("key:{key_id}"),
            None,
            Some(json!({"label": label.trim()})),
        )
        .await?;
        tx.commit().await?;
        Ok((key_id, key))
    }

    /// Revokes the API key `key_id` of `city`; false if there is no such key.
    pub async fn revoke_api_key(
        &self,
        city: &str,
        actor: &Principal,
        key_id: &str,
    ) -> Result<bool, RuntimeError> {
        let mut tx = self.db.begin_write().await?;
        cities::get(&mut tx, city).await?;
        if !people::revoke_key(&mut tx, city, key_id).await? {
            return Ok(false);
        }
        audit::record(
            &mut tx,
            Some(city),
            actor,
            "key.revoke",
            &format!("key:{key_id}"),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Creates the first operator at the console, with an API token (shown once).
    pub async fn create_operator(&self, new: NewUser) -> Result<(User, String), RuntimeError> {
        let mut tx = self.db.begin_write().await?;
        if people::operator_exists(&mut tx).await? {
            return Err(RuntimeError::Invalid(
                "an operator exists already; the first operator is created once".into(),
            ));
        }
        let operator = people::create(&mut tx, Role::Operator, new).await?;
        let token = people::issue_token(&mut tx, &operator, "api", "operator init").await?;
        audit::record(
            &mut tx,
            None,
            &Principal::console(),
            "operator.create",
            &format!("user:{}", operator.id),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok((operator, token))
    }
}
