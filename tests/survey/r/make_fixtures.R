# Golden values from R's survey package for tests/survey/test_survey_r.py.
#
# Regenerate (R with the survey package, e.g. Debian's r-base-core and r-cran-survey):
#     python tests/survey/r/make_data.py && Rscript tests/survey/r/make_fixtures.R
# make_data.py writes data.csv and factors.csv (parindex's bootstrap replicate factors per
# stratum and PSU); this script writes golden.csv (Taylor and weighted srs) and bootstrap.csv.
# CI does not run R: the tests only read the CSV files.
suppressMessages(library(survey))
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
d <- read.csv(file.path(here, "data.csv"), stringsAsFactors = FALSE)
d$sat_a <- as.numeric(d$a %in% c(4, 5))
d$b[d$b == 8] <- NA # "no opinion" leaves the item's denominator
d$sat_b <- as.numeric(d$b %in% c(4, 5))
d$sat_b[is.na(d$b)] <- NA

one <- function(des, design, lonely, u, item) {
  sub <- subset(des, unit == u)
  if (item == "b") sub <- subset(sub, !is.na(b))
  df <- degf(sub) # R's degf of the subset: PSUs with a non-zero weight, minus their strata
  f_sat <- as.formula(paste0("~sat_", item))
  mean <- svymean(as.formula(paste0("~", item)), sub)
  rows <- list()
  for (method in c("mean", "logit", "beta")) {
    for (q in c("z", "design")) {
      ddf <- if (q == "z") Inf else df
      ci <- svyciprop(f_sat, sub, method = method, df = ddf, level = 0.95)
      rows[[length(rows) + 1]] <- data.frame(
        design = design, single_psu = lonely, unit = u, item = item, method = method, df = q,
        degf = df, value = as.numeric(ci), se = sqrt(as.numeric(attr(ci, "var"))),
        low = attr(ci, "ci")[1], high = attr(ci, "ci")[2],
        mean = as.numeric(coef(mean)), mean_se = as.numeric(SE(mean))
      )
    }
  }
  do.call(rbind, rows)
}

out <- list()
for (lonely in c("certainty", "adjust", "average")) {
  options(survey.lonely.psu = lonely)
  des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d, nest = TRUE)
  for (u in c("U1", "U2", "S")) {
    for (item in c("a", "b")) out[[length(out) + 1]] <- one(des, "taylor", lonely, u, item)
  }
}
# weighted srs: the respondents are the PSUs, no strata
srs <- svydesign(ids = ~1, weights = ~weight, data = d)
for (u in c("U1", "U2", "S")) {
  for (item in c("a", "b")) out[[length(out) + 1]] <- one(srs, "srs", "none", u, item)
}
write.csv(do.call(rbind, out), file.path(here, "golden.csv"), row.names = FALSE)

# bootstrap with parindex's replicate factors: the same replicate weights, scale 1 / (R - 1),
# rscales 1, centred on the mean of the replicates (survey.replicates.mse = FALSE)
f <- read.csv(file.path(here, "factors.csv"), stringsAsFactors = FALSE)
fac <- as.matrix(f[match(paste(d$stratum, d$psu), paste(f$stratum, f$psu)), -(1:2)])
nrep <- ncol(fac)
d$sat_b0 <- ifelse(is.na(d$sat_b), 0, d$sat_b)
d$valid_b <- as.numeric(!is.na(d$b))
rep <- svrepdesign(
  data = d, repweights = fac * d$weight, weights = ~weight, type = "other",
  scale = 1 / (nrep - 1), rscales = rep(1, nrep), combined.weights = TRUE, mse = FALSE
)
boot <- list()
for (u in c("U1", "U2", "S")) {
  sub <- subset(rep, unit == u)
  for (item in c("a", "b")) {
    s <- if (item == "b") subset(sub, !is.na(b)) else sub
    p <- svymean(as.formula(paste0("~sat_", item)), s)
    m <- svymean(as.formula(paste0("~", item)), s)
    boot[[length(boot) + 1]] <- data.frame(
      unit = u, node = item, value = as.numeric(coef(p)), se = as.numeric(SE(p)),
      mean = as.numeric(coef(m)), mean_se = as.numeric(SE(m))
    )
  }
  # the factor F1 = (p_a + p_b) / 2, each rate over its own valid answers
  f1 <- withReplicates(sub, function(w, x) {
    (sum(w * x$sat_a) / sum(w) + sum(w * x$sat_b0) / sum(w * x$valid_b)) / 2
  })
  boot[[length(boot) + 1]] <- data.frame(
    unit = u, node = "F1", value = as.numeric(coef(f1)), se = as.numeric(SE(f1)),
    mean = NA, mean_se = NA
  )
}
write.csv(do.call(rbind, boot), file.path(here, "bootstrap.csv"), row.names = FALSE)
