//! Who may do what. The runtime alone turns a credential into an [`Identity`], and an identity
//! into a proof of what it may do: act as the operator, administer or work one city, or be one of
//! its citizens. Each use case takes the proof it needs, so a use case cannot be called without
//! its check, and a proof for one city cannot act in another: the city a use case acts in is the
//! city its proof names.
//!
//! A proof has private fields: nothing outside the runtime makes one.
//!
//! ```compile_fail
//! // Forging a proof does not compile: its fields are the runtime's.
//! let staff = carmen_core::runtime::proofs::Staff { principal: todo!(), city: "hillcrest".into() };
//! ```
//!
//! ```compile_fail
//! // Nor does calling a use case with a city instead of a proof.
//! async fn close(carmen: &carmen_core::runtime::Carmen) {
//!     let status = carmen_core::runtime::types::CaseStatus::Closed;
//!     carmen.change_status("hillcrest", 1, status, None, None).await.unwrap();
//! }
//! ```

use super::{Carmen, RuntimeError};
use crate::crm::people::{Principal, Role};

/// Someone a credential (a session, a bearer token, a city's app key) was checked for.
#[derive(Clone, Debug)]
pub struct Identity(Principal);

/// The operator of this host, signed in or at the server's console.
#[derive(Clone, Debug)]
pub struct Operator(Principal);

/// Staff of one city: its staff, its administrators, or the operator acting in it.
#[derive(Clone, Debug)]
pub struct Staff {
    principal: Principal,
    city: String,
}

/// An administrator of one city, or the operator acting in it.
#[derive(Clone, Debug)]
pub struct Admin {
    principal: Principal,
    city: String,
}

/// A citizen (a person, or someone acting for their organisation) with an account in one city.
#[derive(Clone, Debug)]
pub struct Citizen {
    principal: Principal,
    city: String,
}

/// Anyone with an account of one city: a citizen, its staff, or an app holding its key.
#[derive(Clone, Debug)]
pub struct Member {
    principal: Principal,
    city: String,
}

/// A reply forwarded by a city's mail provider, signed with the city's inbound secret.
#[derive(Clone, Debug)]
pub struct SignedReply {
    city: String,
    signature: String,
}

impl SignedReply {
    pub(crate) fn new(city: &str, signature: &str) -> SignedReply {
        SignedReply {
            city: city.to_string(),
            signature: signature.to_string(),
        }
    }

    pub fn city(&self) -> &str {
        &self.city
    }

    pub(crate) fn signature(&self) -> &str {
        &self.signature
    }
}

/// The operator, signed in or at the console.
fn is_operator(principal: &Principal) -> bool {
    matches!(principal.role, Role::Operator | Role::Console)
}

/// An administrator (of the city it acts in), or the operator.
fn administers(principal: &Principal) -> bool {
    principal.role == Role::Admin || is_operator(principal)
}

/// The one rule of tenancy: an account acts in the city it belongs to; the operator in any city.
fn acts_in(principal: &Principal, city: &str) -> bool {
    is_operator(principal) || principal.city.as_deref() == Some(city)
}

fn refused(detail: &str) -> RuntimeError {
    RuntimeError::Forbidden(detail.to_string())
}

impl Identity {
    pub fn user_id(&self) -> i64 {
        self.0.user_id
    }

    pub fn role(&self) -> Role {
        self.0.role
    }

    /// The city the account belongs to (none for the operator).
    pub fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }

    /// The department a staff member works in, if any.
    pub fn department(&self) -> Option<&str> {
        self.0.department.as_deref()
    }

    /// Proof of the operator, or refused.
    pub fn operator(&self) -> Result<Operator, RuntimeError> {
        match is_operator(&self.0) {
            true => Ok(Operator(self.0.clone())),
            false => Err(refused("only the operator may do this")),
        }
    }

    /// Proof of staff (or an administrator) of `city`, or the operator; refused otherwise.
    pub fn staff_of(&self, city: &str) -> Result<Staff, RuntimeError> {
        if (self.0.role == Role::Staff || administers(&self.0)) && acts_in(&self.0, city) {
            Ok(Staff::of(&self.0, city))
        } else {
            Err(refused("only staff of this city may do this"))
        }
    }

    /// Proof of an administrator of `city`, or the operator; refused otherwise.
    pub fn admin_of(&self, city: &str) -> Result<Admin, RuntimeError> {
        if administers(&self.0) && acts_in(&self.0, city) {
            Ok(Admin::of(&self.0, city))
        } else {
            Err(refused("only an administrator of this city may do this"))
        }
    }

    /// Proof of a citizen with an account in `city`; refused for anyone else.
    pub fn citizen_of(&self, city: &str) -> Result<Citizen, RuntimeError> {
        match self.0.role {
            Role::Citizen if acts_in(&self.0, city) => Ok(Citizen::of(&self.0, city)),
            _ => Err(refused("only a citizen of this city may do this")),
        }
    }

    /// Proof of any account of `city` (not the operator's); refused for another city's.
    pub fn member_of(&self, city: &str) -> Result<Member, RuntimeError> {
        if self.operator().is_ok() || !acts_in(&self.0, city) {
            return Err(refused("your account belongs to another city"));
        }
        Ok(Member::of(&self.0, city))
    }
}

impl Operator {
    pub(crate) fn principal(&self) -> &Principal {
        &self.0
    }

    /// The operator acting as an administrator of `city`.
    pub fn admin_of(&self, city: &str) -> Admin {
        Admin::of(&self.0, city)
    }

    /// The operator acting as staff of `city`.
    pub fn staff_of(&self, city: &str) -> Staff {
        self.admin_of(city).staff()
    }
}

macro_rules! of_a_city {
    ($($proof:ident),*) => {$(
        impl $proof {
            /// The proof that `principal` acts in `city` (each caller checks that first).
            fn of(principal: &Principal, city: &str) -> $proof {
                $proof {
                    principal: principal.clone(),
                    city: city.to_string(),
                }
            }

            /// The city this proof acts in.
            pub fn city(&self) -> &str {
                &self.city
            }

            pub fn user_id(&self) -> i64 {
                self.principal.user_id
            }

            pub fn role(&self) -> Role {
                self.principal.role
            }

            /// Whether the operator is acting here.
            pub fn is_operator(&self) -> bool {
                is_operator(&self.principal)
            }

            /// The identity this proof was made from.
            pub fn identity(&self) -> Identity {
                Identity(self.principal.clone())
            }

            pub(crate) fn principal(&self) -> &Principal {
                &self.principal
            }
        }
    )*};
}

of_a_city!(Staff, Admin, Citizen, Member);

impl Staff {
    /// The department this staff member works in, if any.
    pub fn department(&self) -> Option<&str> {
        self.principal.department.as_deref()
    }

    /// Proof of an administrator of the same city, when this is one.
    pub fn admin(&self) -> Option<Admin> {
        administers(&self.principal).then(|| Admin::of(&self.principal, &self.city))
    }
}

impl Admin {
    /// An administrator works the city's cases too.
    pub fn staff(&self) -> Staff {
        Staff::of(&self.principal, &self.city)
    }
}

impl Citizen {
    /// A citizen files requests under their own name.
    pub fn member(&self) -> Member {
        Member::of(&self.principal, &self.city)
    }
}

impl Carmen {
    /// The operator at the server's console: the command line acts as this, audited as
    /// `console`. Only the command line (and the host's own scheduled work) calls it.
    pub fn console(&self) -> Operator {
        Operator(Principal::console())
    }

    /// Who holds `token`, if it is valid.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Identity>, RuntimeError> {
        let principal =
            crate::crm::people::authenticate(&mut *self.db.read().await?, token).await?;
        Ok(principal.map(Identity))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn someone(role: Role, city: Option<&str>) -> Identity {
        Identity(Principal {
            user_id: 7,
            city: city.map(str::to_string),
            role,
            department: None,
        })
    }

    #[test]
    fn a_proof_for_one_city_is_refused_for_another() {
        for role in [Role::Staff, Role::Admin, Role::Citizen, Role::Client] {
            let who = someone(role, Some("alpha"));
            assert!(who.staff_of("beta").is_err(), "{role:?} staff of beta");
            assert!(who.admin_of("beta").is_err(), "{role:?} admin of beta");
            assert!(who.citizen_of("beta").is_err(), "{role:?} citizen of beta");
            assert!(who.member_of("beta").is_err(), "{role:?} member of beta");
            assert!(who.operator().is_err(), "{role:?} operator");
            assert!(who.member_of("alpha").is_ok());
        }
        let staff = someone(Role::Staff, Some("alpha"));
        assert_eq!(staff.staff_of("alpha").unwrap().city(), "alpha");
        assert!(staff.admin_of("alpha").is_err());
        assert!(staff.citizen_of("alpha").is_err());
        assert!(staff.staff_of("alpha").unwrap().admin().is_none());
        let admin = someone(Role::Admin, Some("alpha"));
        assert_eq!(admin.admin_of("alpha").unwrap().staff().city(), "alpha");
        let citizen = someone(Role::Citizen, Some("alpha"));
        assert!(citizen.staff_of("alpha").is_err());
        assert_eq!(citizen.citizen_of("alpha").unwrap().city(), "alpha");
        let client = someone(Role::Client, Some("alpha"));
        assert!(client.staff_of("alpha").is_err() && client.citizen_of("alpha").is_err());
    }

    #[test]
    fn the_operator_acts_in_every_city_but_is_no_citizen() {
        let operator = someone(Role::Operator, None);
        assert!(operator.operator().is_ok());
        assert_eq!(operator.admin_of("beta").unwrap().city(), "beta");
        assert!(operator.staff_of("beta").unwrap().is_operator());
        assert!(operator.citizen_of("beta").is_err());
        assert!(operator.member_of("beta").is_err());
        let nobody = someone(Role::Citizen, None);
        assert!(nobody.member_of("beta").is_err());
    }
}
