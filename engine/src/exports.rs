//! The `carmen:city/service` exports of one prepared component, called as typed functions. The
//! generated bindings' `load` typechecks every export at every instance, and a call is one
//! instance: here they are checked at the first call on the component, and trusted after
//! (`TypedFunc::new_unchecked`), as a component's types never change.

use std::sync::atomic::{AtomicBool, Ordering};

use wasmtime::component::{
    ComponentExportIndex, ComponentNamedList, Instance, InstancePre, Lift, Lower, TypedFunc,
};
use wasmtime::{AsContextMut, Store};

use crate::contract::types::{CaseEvent, FieldError, Outcome, ServiceDescription, Submission};

/// The interface every city service exports, before its version.
const SERVICE_EXPORT: &str = "carmen:city/service@";

/// The service's functions, in the order of `ServiceExports::indices`.
#[derive(Clone, Copy)]
enum Export {
    Describe,
    Validate,
    Submit,
    OnCaseEvent,
    Tick,
}

impl Export {
    const NAMES: [&'static str; 5] = ["describe", "validate", "submit", "on-case-event", "tick"];
}

/// Where a component's service functions are, and whether their types were checked.
pub struct ServiceExports {
    indices: [ComponentExportIndex; 5],
    /// Whether every export's type was checked on this component.
    checked: AtomicBool,
}

impl ServiceExports {
    /// The functions of the service interface `pre`'s component exports at a version
    /// `supported`; an error names what it lacks.
    pub fn new<T>(
        pre: &InstancePre<T>,
        supported: impl Fn(&str) -> bool,
    ) -> wasmtime::Result<ServiceExports> {
        let component = pre.component();
        let name = component
            .component_type()
            .exports(pre.engine())
            .map(|(name, _)| name)
            .find(|name| name.starts_with(SERVICE_EXPORT) && supported(name))
            .ok_or_else(|| wasmtime::format_err!("no exported instance named `{SERVICE_EXPORT}*`"))?
            .to_string();
        let interface = component
            .get_export_index(None, &name)
            .ok_or_else(|| wasmtime::format_err!("no exported instance named `{name}`"))?;
        let mut indices = Vec::with_capacity(Export::NAMES.len());
        for function in Export::NAMES {
            indices.push(
                component
                    .get_export_index(Some(&interface), function)
                    .ok_or_else(|| {
                        wasmtime::format_err!(
                            "instance export `{name}` does not have export `{function}`"
                        )
                    })?,
            );
        }
        Ok(ServiceExports {
            indices: indices.try_into().expect("one index per name"),
            checked: AtomicBool::new(false),
        })
    }

    /// `export` of `instance` as `TypedFunc<P, R>`. At the first call on this component every
    /// export is typechecked (one of the wrong type fails every call, as the generated bindings'
    /// `load` did); after that, trusted.
    fn func<T, P, R>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
        export: Export,
    ) -> wasmtime::Result<TypedFunc<P, R>>
    where
        P: ComponentNamedList + Lower,
        R: ComponentNamedList + Lift,
    {
        if !self.checked.load(Ordering::Acquire) {
            self.check(store, instance)?;
            self.checked.store(true, Ordering::Release);
        }
        let func = instance
            .get_func(store.as_context_mut(), self.indices[export as usize])
            .ok_or_else(|| {
                wasmtime::format_err!("{} is not a function", Export::NAMES[export as usize])
            })?;
        // SAFETY: every function of this component at `self.indices` was typechecked by `check`
        // with the types its one method here calls it with (`P` and `R` of each `Export` are
        // fixed by that method), and a component's types never change.
        Ok(unsafe { TypedFunc::new_unchecked(func) })
    }

    /// Typechecks every export of `instance` against the contract's types.
    fn check<T>(&self, store: &mut Store<T>, instance: &Instance) -> wasmtime::Result<()> {
        let mut store = store.as_context_mut();
        let index = |export: Export| &self.indices[export as usize];
        instance.get_typed_func::<(&str,), (ServiceDescription,)>(
            &mut store,
            index(Export::Describe),
        )?;
        instance.get_typed_func::<(&Submission,), (Vec<FieldError>,)>(
            &mut store,
            index(Export::Validate),
        )?;
        instance.get_typed_func::<(&Submission,), (Outcome,)>(&mut store, index(Export::Submit))?;
        instance.get_typed_func::<(&CaseEvent,), (Result<(), String>,)>(
            &mut store,
            index(Export::OnCaseEvent),
        )?;
        instance
            .get_typed_func::<(i64,), (Result<(), String>,)>(&mut store, index(Export::Tick))?;
        Ok(())
    }

    pub async fn describe<T: Send>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
        language: &str,
    ) -> wasmtime::Result<ServiceDescription> {
        let func =
            self.func::<T, (&str,), (ServiceDescription,)>(store, instance, Export::Describe)?;
        Ok(func.call_async(store, (language,)).await?.0)
    }

    pub async fn validate<T: Send>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
        submission: &Submission,
    ) -> wasmtime::Result<Vec<FieldError>> {
        let func =
            self.func::<T, (&Submission,), (Vec<FieldError>,)>(store, instance, Export::Validate)?;
        Ok(func.call_async(store, (submission,)).await?.0)
    }

    pub async fn submit<T: Send>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
        submission: &Submission,
    ) -> wasmtime::Result<Outcome> {
        let func = self.func::<T, (&Submission,), (Outcome,)>(store, instance, Export::Submit)?;
        Ok(func.call_async(store, (submission,)).await?.0)
    }

    pub async fn on_case_event<T: Send>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
        event: &CaseEvent,
    ) -> wasmtime::Result<Result<(), String>> {
        let func = self.func::<T, (&CaseEvent,), (Result<(), String>,)>(
            store,
            instance,
            Export::OnCaseEvent,
        )?;
        Ok(func.call_async(store, (event,)).await?.0)
    }

    pub async fn tick<T: Send>(
        &self,
        store: &mut Store<T>,
        instance: &Instance,
        now: i64,
    ) -> wasmtime::Result<Result<(), String>> {
        let func = self.func::<T, (i64,), (Result<(), String>,)>(store, instance, Export::Tick)?;
        Ok(func.call_async(store, (now,)).await?.0)
    }
}
