//! Prints jieba's words and part-of-speech tags for each argument, as
//! mention recognition reads them (default dictionary, no HMM); set
//! `JIEBA_HMM=1` to see the HMM's guesses for unknown words instead.
//!
//! Run: `cargo run --example jieba_debug -- 青岛大学张伟教授`

fn main() {
    let jieba = jieba_rs::Jieba::new();
    let hmm = std::env::var_os("JIEBA_HMM").is_some();
    for text in std::env::args().skip(1) {
        let tags: Vec<String> = jieba
            .tag(&text, hmm)
            .into_iter()
            .map(|t| format!("{}/{}", t.word, t.tag))
            .collect();
        println!("{}", tags.join(" "));
    }
}
