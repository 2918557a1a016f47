# Every external dependency of geoverify, found once. All come from Debian packages
# (scripts/deps installs them).
find_package(Threads REQUIRED)
find_package(OpenCV 4 REQUIRED COMPONENTS core imgproc imgcodecs features2d calib3d flann)
find_package(exiv2 REQUIRED CONFIG)
find_package(GDAL REQUIRED)
find_package(PROJ REQUIRED CONFIG)
find_package(OpenSSL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED CONFIG)
find_package(yaml-cpp REQUIRED CONFIG)
# Text in photos: Tesseract 5 and Leptonica (pkg-config), libphonenumber, ICU.
find_package(PkgConfig REQUIRED)
find_package(ICU REQUIRED COMPONENTS i18n uc)
find_library(PHONENUMBER_LIBRARY phonenumber REQUIRED)
if(GEOVERIFY_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
