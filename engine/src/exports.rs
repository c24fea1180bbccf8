//! The `carmen:city/service` exports of one prepared component, called as typed functions. The
//! generated bindings' `load` typechecks every export at every instance, and a call is one
//! instance: here each export's type is checked at its first call on the component, and trusted
//! after (`TypedFunc::new_unchecked`), as a component's types never change.

use std::sync::atomic::{AtomicU8, Ordering};

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

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// Where a component's service functions are, and which of them were typechecked.
pub struct ServiceExports {
    indices: [ComponentExportIndex; 5],
    /// One bit per `Export` whose type was checked on this component.
    checked: AtomicU8,
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
            checked: AtomicU8::new(0),
        })
    }

    /// `export` of `instance` as `TypedFunc<P, R>`: typechecked at its first call on this
    /// component, trusted after.
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
        let index = &self.indices[export as usize];
        if self.checked.load(Ordering::Acquire) & export.bit() != 0 {
            let func = instance
                .get_func(store.as_context_mut(), index)
                .ok_or_else(|| {
                    wasmtime::format_err!("{} is not a function", Export::NAMES[export as usize])
                })?;
            // SAFETY: this component's function at `index` was typechecked as
            // `TypedFunc<P, R>` at its first call (below): each `Export` is called by one method
            // of this type, with one `P` and one `R`, and a component's types never change.
            return Ok(unsafe { TypedFunc::new_unchecked(func) });
        }
        let typed = instance.get_typed_func::<P, R>(store.as_context_mut(), index)?;
        self.checked.fetch_or(export.bit(), Ordering::AcqRel);
        Ok(typed)
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
