//! A stock Tauri "hello world": one window showing one static page, no commands, no state.
//! It exists only as the baseline that `tests/e2e/measure.test.mjs` launches beside Plansmith,
//! built in the same run with the same Tauri, so launch time and memory are compared fairly.

fn main() {
    tauri::Builder::default()
        .setup(|app| {
            tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::App("hello.html".into()))
                .title("Hello world")
                .inner_size(1180.0, 780.0)
                .build()?;
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("the hello world app runs");
}
