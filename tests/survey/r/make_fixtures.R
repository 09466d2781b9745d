# Golden values from R's survey package for tests/survey/test_survey_r.py.
#
# Regenerate (R with the survey package, e.g. Debian's r-base-core and r-cran-survey):
#     python tests/survey/r/make_data.py && Rscript tests/survey/r/make_fixtures.R
# CI does not run R: the tests only read golden.csv.
suppressMessages(library(survey))
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
d <- read.csv(file.path(here, "data.csv"), stringsAsFactors = FALSE)
d$sat <- as.numeric(d$a %in% c(4, 5))
out <- list()
for (lonely in c("certainty", "adjust")) {
  options(survey.lonely.psu = lonely)
  des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d, nest = TRUE)
  for (u in c("U1", "U2", "S")) {
    sub <- subset(des, unit == u)
    df <- degf(sub)
    for (method in c("mean", "logit", "beta")) {
      for (q in c("z", "design")) {
        ddf <- if (q == "z") Inf else df
        ci <- svyciprop(~sat, sub, method = method, df = ddf, level = 0.95)
        out[[length(out) + 1]] <- data.frame(
          single_psu = lonely, unit = u, method = method, df = q, degf = df,
          value = as.numeric(ci), se = sqrt(as.numeric(attr(ci, "var"))),
          low = attr(ci, "ci")[1], high = attr(ci, "ci")[2]
        )
      }
    }
  }
}
write.csv(do.call(rbind, out), file.path(here, "golden.csv"), row.names = FALSE)
